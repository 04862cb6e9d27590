import { optionsOf } from './checks';
import { snakeCaseKeys } from './snake-case';

/** A method's options argument, checked, with Bottender 1.x's camelCase keys turned to snake_case. */
export function opts<T>(options: T | null | undefined, method: string): Partial<T> | undefined {
  const checked = optionsOf(options, method);
  return checked === undefined ? undefined : (snakeCaseKeys(checked) as Partial<T>);
}
