import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ProjectModules } from '../src/config/project-modules';
import { makeBotFolder, removeBotFolders, REPO } from './support/cli';

afterAll(removeBotFolders);

const VERSION = require('../package.json').version as string;

/**
 * Nothing of this project is on the npm registry (its `bottender` is 1.5.5), so "npm install
 * @bottender/line" would fail: a missing package is named with the command that works here.
 */
describe('how to install a missing package, said for where the bot is', () => {
  it('the tarball beside the one the bot installed bottender from', () => {
    const dir = makeBotFolder({});
    const packs = path.join(dir, 'packs');
    mkdirSync(packs);
    writeFileSync(path.join(packs, `bottender-line-${VERSION}.tgz`), '');
    const bot = path.join(dir, 'bot');
    mkdirSync(bot);
    writeFileSync(path.join(bot, 'package.json'), JSON.stringify({ dependencies: { bottender: `file:../packs/bottender-${VERSION}.tgz` } }));
    expect(new ProjectModules(bot).installCommand('@bottender/line')).toBe(`npm install ../packs/bottender-line-${VERSION}.tgz`);
  });

  it("else, from this repository's clone: npm run pack, then the tarball in packs/", () => {
    const bot = makeBotFolder({ 'package.json': '{}' });
    const command = new ProjectModules(bot).installCommand('@bottender/nothing-here');
    const tarball = path.join(REPO, 'packs', `bottender-nothing-here-${VERSION}.tgz`);
    expect(command).toMatch(/^\(cd \S+ && npm run pack\) && npm install \S+$/);
    expect(path.resolve(bot, command.split(' ').pop()!)).toBe(tarball);
  });
});
