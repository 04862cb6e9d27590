/** `bottender new` and `npm create bottender`: a bot folder that runs at once. */
export { runNew } from './command';
export { generateBot, dependencySpecs, packageName, TargetNotEmptyError } from './generate';
export type { GenerateOptions, PackageSource } from './generate';
export { DEFAULT_CHOICES, DRIVER_SETUP, PLATFORM_SETUP, everyChoice, packagesFor } from './choices';
export type { BotChoices } from './choices';
export { botFiles } from './templates';
