import { defineConfig } from 'bottender';

/** Console chat or any enabled channel; state in memory, starting from zero. */
export default defineConfig({
  initialState: { count: 0 },
  session: { driver: 'memory' },
});
