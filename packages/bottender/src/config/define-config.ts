import type { AnyState } from '../session/types';
import type { BottenderConfig } from './types';

/**
 * Returns `config` unchanged. It exists for editors: wrapping the default export of
 * `bottender.config.ts` in it checks the keys and types the state your handler sees.
 *
 * @example
 * export default defineConfig({ initialState: { count: 0 }, session: { driver: 'file' } });
 */
export function defineConfig<State extends AnyState = AnyState>(config: BottenderConfig<State>): BottenderConfig<State> {
  return config;
}
