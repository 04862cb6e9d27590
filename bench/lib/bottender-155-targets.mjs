// Bottender 1.5.5 as a target of every bench: one server script (targets/bottender-1.5.5/server.cjs)
// in two modes, run in each platform's bot folder.
import { fileURLToPath } from 'node:url';

const V1_SERVER = fileURLToPath(new URL('../targets/bottender-1.5.5/server.cjs', import.meta.url));

/**
 * The targets `bottender-sync` (sync: true: answers after the handler) and `bottender-default`
 * (answers at once, handles after), run in the bot folder `cwd`; `labelSuffix` ends their
 * labels and `extra` is merged into each.
 */
export function bottender155Targets(cwd, { labelSuffix = '', ...extra } = {}) {
  return {
    'bottender-sync': { label: `Bottender 1.5.5 sync: true${labelSuffix}`, script: V1_SERVER, cwd, env: { BENCH_BOTTENDER_SYNC: 'true' }, ...extra },
    'bottender-default': { label: `Bottender 1.5.5 default (async)${labelSuffix}`, script: V1_SERVER, cwd, env: { BENCH_BOTTENDER_SYNC: 'false' }, ...extra },
  };
}
