import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { isRelevantFile, watchTree } from '../src/cli/watch-tree';
import { makeBotFolder, removeBotFolders, waitFor } from './support/cli';

afterAll(removeBotFolders);

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('watchTree (what bottender dev restarts on)', () => {
  it('reports source changes, also in folders created after it started', async () => {
    const dir = makeBotFolder({ 'index.js': '', 'src/a.ts': '' });
    const changes: string[] = [];
    const watcher = watchTree(dir, (file) => changes.push(path.relative(dir, file)));
    try {
      writeFileSync(path.join(dir, 'src', 'a.ts'), 'changed');
      await waitFor(() => changes.join(','), /src\/a\.ts/);
      mkdirSync(path.join(dir, 'lib'));
      await settle();
      writeFileSync(path.join(dir, 'lib', 'b.js'), 'new');
      await waitFor(() => changes.join(','), /lib\/b\.js/);
    } finally {
      watcher.close();
    }
  });

  it('skips node_modules, .git, dist, dot-folders, ignored paths and editor files', async () => {
    const dir = makeBotFolder({
      'node_modules/x/index.js': '',
      '.git/HEAD': '',
      'dist/index.js': '',
      '.cache/a': '',
      'sessions/console.json': '',
      'index.js': '',
    });
    const changes: string[] = [];
    const watcher = watchTree(dir, (file) => changes.push(path.relative(dir, file)));
    watcher.ignore([path.join(dir, 'sessions')]);
    try {
      for (const file of ['node_modules/x/index.js', '.git/HEAD', 'dist/index.js', '.cache/a', 'sessions/console.json', '.index.js.swp', 'index.js~']) {
        writeFileSync(path.join(dir, file), 'changed');
      }
      await settle();
      expect(changes).toEqual([]);
      writeFileSync(path.join(dir, '.env'), 'A=1');
      await waitFor(() => changes.join(','), /^\.env/);
    } finally {
      watcher.close();
    }
  });

  it('tells source files from editor leftovers', () => {
    expect(['index.ts', 'bottender.config.js', '.env', '.env.local', 'data.json'].every(isRelevantFile)).toBe(true);
    expect(['.index.ts.swp', 'index.ts~', '4913', 'debug.log', '.DS_Store'].some(isRelevantFile)).toBe(false);
  });
});
