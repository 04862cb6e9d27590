/** `stateVersion` and `migrations` in bottender.config: what is accepted and how mistakes are named. */
import { validateConfig } from '../src/config/schema';
import { Bot, MemorySessionStore } from '../src';

const step = (s: object) => s;

describe('stateVersion and migrations in the config', () => {
  it('accepts a version with a function for every step from 2 up, or none at all', () => {
    expect(() => validateConfig({ stateVersion: 3, migrations: { 2: step, 3: step } }, 'bottender.config.ts')).not.toThrow();
    expect(() => validateConfig({ stateVersion: 1 }, 'bottender.config.ts')).not.toThrow();
    expect(() => validateConfig({}, 'bottender.config.ts')).not.toThrow();
  });

  it.each([
    [{ stateVersion: 0 }, /stateVersion must be a positive integer .* got 0/],
    [{ stateVersion: 2.5, migrations: { 2: step } }, /stateVersion must be a positive integer/],
    [{ migrations: { 2: step } }, /stateVersion must be a positive integer .* got undefined/],
    [{ stateVersion: 3, migrations: { 2: step } }, /migrations\.3 is missing: stateVersion is 3/],
    [{ stateVersion: 2, migrations: { 2: 'x' } }, /migrations\.2 must be a function/],
    [{ stateVersion: 2, migrations: { 2: step, 4: step } }, /migrations\.4 keys are the versions 2 to stateVersion \(2\)/],
    [{ stateVersion: 2, migrations: [step] }, /migrations must be an object of functions keyed by the version each produces/],
  ])('refuses %p', (config, message) => {
    expect(() => validateConfig(config, 'bottender.config.ts')).toThrow(message);
  });

  it('Bot refuses the same mistakes when given them in code', () => {
    expect(() => new Bot({ app: async () => {}, store: new MemorySessionStore(), stateVersion: 2 })).toThrow(/migrations\.2 is missing/);
  });
});
