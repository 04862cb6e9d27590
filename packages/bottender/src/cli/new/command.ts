import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';

import { BUILT_IN_DRIVERS, PLATFORMS, tarballName } from '../../config/drivers';
import { ownPackage, repositoryRoot } from '../../config/project-modules';
import { type NewRequest, parseDriver, parsePlatforms, UsageError } from '../args';
import type { CliIO } from '../start';
import { type BotChoices, DEFAULT_CHOICES, DRIVER_SETUP, PLATFORM_SETUP } from './choices';
import { generateBot, type PackageSource, TargetNotEmptyError } from './generate';

/**
 * `bottender new <folder>`: asks (in a terminal) or takes from flags the platforms and the driver,
 * writes the bot folder, and says what to run next. Resolves with the exit code.
 */
export async function runNew(request: NewRequest, io: CliIO): Promise<number> {
  const interactive = Boolean(io.stdin.isTTY) && !request.yes;
  const answers = interactive ? await ask(request, io) : request;
  if (answers.dir === undefined) throw new UsageError('bottender new needs a folder: bottender new my-bot');
  const choices: BotChoices = {
    platforms: answers.platforms ?? DEFAULT_CHOICES.platforms,
    driver: answers.driver ?? DEFAULT_CHOICES.driver,
  };
  const source = packageSource(request.packs, io.cwd);
  const dir = path.resolve(io.cwd, answers.dir);
  try {
    generateBot({ dir, ...choices, source });
  } catch (error) {
    if (error instanceof TargetNotEmptyError) throw new UsageError(error.message);
    throw error;
  }
  io.stdout.write(nextSteps(dir, io.cwd, choices, source));
  return 0;
}

/** The tarballs of `--packs`, else this clone's `packs/`, else the registry. */
function packageSource(packs: string | undefined, cwd: string): PackageSource {
  const { version } = ownPackage();
  if (packs !== undefined) {
    const dir = path.resolve(cwd, packs);
    if (!existsSync(path.join(dir, tarballName('bottender', version)))) {
      throw new UsageError(`--packs: ${dir} has no ${tarballName('bottender', version)}; run "npm run pack" in the Bottender clone first`);
    }
    return { kind: 'packs', dir, version };
  }
  const repo = repositoryRoot();
  return repo === undefined ? { kind: 'registry', version } : { kind: 'packs', dir: path.join(repo, 'packs'), version };
}

function nextSteps(dir: string, cwd: string, choices: BotChoices, source: PackageSource): string {
  const shown = path.relative(cwd, dir) || '.';
  const platforms = choices.platforms.map((platform) => PLATFORM_SETUP[platform].title).join(', ') || 'console only';
  const lines = [`Created ${shown} (${platforms}; ${choices.driver} driver).`, ''];
  if (source.kind === 'packs' && !existsSync(path.join(source.dir, tarballName('bottender', source.version)))) {
    lines.push(
      `Its packages come from ${source.dir}, which "npm run pack" has not filled yet. First:`,
      `  (cd ${path.dirname(source.dir)} && npm run pack)`,
      '',
    );
  }
  lines.push('Next:', `  cd ${shown}`, '  npm install', '  npm start      # chat with it in the terminal', '  npm test       # its tests');
  if (choices.platforms.length > 0) {
    lines.push('', 'To go live, copy .env.example to .env, fill in the secrets, and run npm run serve.');
  }
  return `${lines.join('\n')}\n`;
}

/** Asks for what the flags did not give, with the defaults in brackets. */
async function ask(request: NewRequest, io: CliIO): Promise<NewRequest> {
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: true });
  try {
    const answers: NewRequest = { ...request };
    while (answers.dir === undefined) {
      const dir = (await rl.question('Folder of the new bot [my-bot]: ')).trim() || 'my-bot';
      answers.dir = dir;
    }
    while (answers.platforms === undefined) {
      const text = await rl.question(
        `Platforms (${PLATFORMS.join(', ')}; comma-separated, "none" for console only) [${DEFAULT_CHOICES.platforms.join(', ')}]: `,
      );
      try {
        answers.platforms = text.trim() === '' ? DEFAULT_CHOICES.platforms : parsePlatforms(text, 'platforms');
      } catch (error) {
        io.stdout.write(`${(error as Error).message}\n`);
      }
    }
    while (answers.driver === undefined) {
      const list = BUILT_IN_DRIVERS.map((driver) => `  ${driver.padEnd(9)}${DRIVER_SETUP[driver].what}`).join('\n');
      const text = await rl.question(`Session driver:\n${list}\nDriver [${DEFAULT_CHOICES.driver}]: `);
      try {
        answers.driver = text.trim() === '' ? DEFAULT_CHOICES.driver : parseDriver(text, 'driver');
      } catch (error) {
        io.stdout.write(`${(error as Error).message}\n`);
      }
    }
    return answers;
  } finally {
    rl.close();
  }
}
