import { defaultChannelPath } from '../../config/drivers';
import { type BotChoices, DRIVER_SETUP, PLATFORM_SETUP, packagesFor } from './choices';

/** The tools a new bot's tests and typecheck use (devDependencies). */
const DEV_DEPENDENCIES: Record<string, string> = {
  '@swc/core': '^1.16.22',
  '@swc/jest': '^0.2.39',
  '@types/jest': '^30.0.0',
  '@types/node': '^22.0.0',
  jest: '^30.5.2',
  typescript: '~6.0.3',
};

/** What a new bot is made of, besides the choices. */
export interface TemplateInput extends BotChoices {
  /** The package name (the folder's name, made valid). */
  name: string;
  /** The dependency spec of each package, e.g. `file:../packs/bottender-2.0.0.tgz` or `^2.0.0`. */
  specs: Record<string, string>;
}

/** Every file of a new bot, by path relative to its folder. */
export function botFiles(input: TemplateInput): Record<string, string> {
  return {
    'package.json': packageJson(input),
    'index.ts': INDEX_TS,
    'index.test.ts': INDEX_TEST_TS,
    'bottender.config.ts': configTs(input),
    '.env.example': envExample(input),
    'tsconfig.json': TSCONFIG_JSON,
    '.gitignore': 'node_modules/\n.env\n.sessions/\ncoverage/\n',
    'README.md': readme(input),
  };
}

function packageJson(input: TemplateInput): string {
  const dependencies = Object.fromEntries(packagesFor(input).map((id) => [id, input.specs[id]]));
  const manifest = {
    name: input.name,
    version: '0.1.0',
    private: true,
    description: 'A chatbot built with Bottender (TypeScript)',
    scripts: {
      start: 'bottender start --console',
      dev: 'bottender dev --console',
      serve: 'bottender start',
      test: 'jest',
      typecheck: 'tsc --noEmit',
    },
    engines: { node: '>=20.18' },
    dependencies,
    // npm 11 asks about install scripts; neither is needed (@swc/core ships its binary as a
    // package, Jest's file watcher falls back without its native build).
    allowScripts: { '@swc/core': false, '@parcel/watcher': false },
    devDependencies: DEV_DEPENDENCIES,
    jest: {
      testEnvironment: 'node',
      transform: {
        '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
      },
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const INDEX_TS = `import type { Context } from 'bottender';

/** What the bot remembers of each conversation. */
export interface State {
  count: number;
}

/**
 * The bot: answers every text with what was said and how many messages this conversation has
 * sent. \`context.state\` is this conversation's state; \`setState\` changes it, and the change is
 * saved before the answer goes out.
 */
export default async function App(context: Context<State>): Promise<void> {
  if (!context.event.isText) return;
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText(\`You said "\${context.event.text}" (message \${count}).\`);
}
`;

const INDEX_TEST_TS = `import { Bot, MemorySessionStore, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';

import config from './bottender.config';
import App from './index';

/**
 * The handler runs through the real runtime (state, commit, replies) on the test platform, so
 * these tests need no platform account and no network. See Bottender's docs/testing.md.
 */
function startTestBot() {
  const connector = new TestConnector();
  const bot = new Bot({ app: App, store: new MemorySessionStore(), initialState: config.initialState, logger: silentLogger });
  const say = (user: string, text: string) => bot.handleEvent(connector, new TestEvent({ user, text }));
  return { bot, connector, say };
}

describe('App', () => {
  it('counts the messages of each conversation on its own', async () => {
    const { bot, connector, say } = startTestBot();
    await say('alice', 'hi');
    await say('alice', 'how are you?');
    await say('bob', 'hello');
    expect(connector.repliesTo('alice')).toEqual(['You said "hi" (message 1).', 'You said "how are you?" (message 2).']);
    expect(connector.repliesTo('bob')).toEqual(['You said "hello" (message 1).']);
    expect((await bot.store.read('test:alice'))?.state).toEqual({ count: 2 });
  });

  it('leaves what is not text unanswered, and the state as it was', async () => {
    const { bot, connector } = startTestBot();
    await bot.handleEvent(connector, new TestEvent({ user: 'alice', payload: 'MENU' }));
    expect(connector.replies).toEqual([]);
    expect((await bot.store.read('test:alice'))?.state ?? config.initialState).toEqual({ count: 0 });
  });
});
`;

const TSCONFIG_JSON = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node', 'jest'],
    },
    include: ['*.ts', 'src'],
  },
  null,
  2,
)}\n`;

function configTs(input: TemplateInput): string {
  const setup = DRIVER_SETUP[input.driver];
  const lines: string[] = [
    "import { defineConfig } from 'bottender';",
    '',
    "import type { State } from './index';",
    '',
    'const env = process.env;',
    '',
    'export default defineConfig<State>({',
    '  initialState: { count: 0 },',
    '  session: {',
  ];
  if (setup.env) {
    lines.push(
      `    // ${setup.what}, once ${setup.env.name} is set;`,
      '    // until then the file driver, so `npm start` works at once.',
      `    driver: env.${setup.env.name} ? '${input.driver}' : 'file',`,
    );
  } else {
    lines.push(`    // ${setup.what}`, `    driver: '${input.driver}',`);
  }
  lines.push('    expiresIn: 60 * 24 * 7, // minutes without a message before a conversation starts over', '    stores: {');
  if (input.driver !== 'file' && setup.env) lines.push(`      ${input.driver}: ${setup.options},`);
  if (input.driver === 'memory') lines.push(`      memory: ${setup.options},`);
  else lines.push(`      file: ${DRIVER_SETUP.file.options},`);
  lines.push('    },', '  },', '  channels: {');
  for (const platform of input.platforms) {
    const { required, optional, title } = PLATFORM_SETUP[platform];
    const condition = required.map((variable) => `env.${variable.name}`).join(' && ');
    lines.push(
      `    ${platform}: {`,
      `      // On only when its secrets are set (see .env.example); the console chat needs none.`,
      `      enabled: Boolean(${condition}),`,
      `      path: '${defaultChannelPath(platform)}',`,
      ...[...required, ...optional].map((variable) => `      ${variable.key}: env.${variable.name},`),
      '    },',
    );
  }
  lines.push('  },', '});', '');
  return lines.join('\n');
}

function envExample(input: TemplateInput): string {
  const lines = [
    '# Copy this file to .env and fill it in. Bottender loads .env before bottender.config.ts;',
    '# variables set in the environment win. Keep .env out of version control.',
    '',
  ];
  for (const platform of input.platforms) {
    const { title, required, optional, console: where } = PLATFORM_SETUP[platform];
    lines.push(`# ${title}: from ${where}. The channel is on once these are set.`);
    for (const variable of required) lines.push(`${variable.name}=`);
    for (const variable of optional) lines.push(`# ${variable.name}=  (optional: ${variable.what})`);
    lines.push('');
  }
  const driver = DRIVER_SETUP[input.driver];
  if (driver.env) {
    lines.push(`# Sessions in ${input.driver} once this is set (the file driver until then):`, `# ${driver.env.name}=${driver.env.example}`, '');
  }
  lines.push('# The HTTP port of `npm run serve` (default 5000):', '# PORT=5000', '');
  return lines.join('\n');
}

function readme(input: TemplateInput): string {
  const platforms = input.platforms.map((platform) => PLATFORM_SETUP[platform].title);
  const driver = DRIVER_SETUP[input.driver];
  const webhookLines = input.platforms.map(
    (platform) => `- ${PLATFORM_SETUP[platform].title}: \`https://<your host>${defaultChannelPath(platform)}\``,
  );
  return `# ${input.name}

A chatbot built with Bottender (TypeScript)${
    platforms.length > 0 ? ` for ${platforms.join(', ')}` : ''
  }. Sessions: ${driver.what}${driver.env ? ` (with \`${driver.env.name}\` set; the file driver until then)` : ''}.

## Run it

\`\`\`sh
npm install
npm start        # chat with the bot in this terminal (/help for commands, /exit to leave)
npm run dev      # the same, restarting when a file changes
npm test         # the handler's tests, on Bottender's test platform
\`\`\`

## Files

| file | what |
| --- | --- |
| \`index.ts\` | the handler: \`async function App(context)\` |
| \`index.test.ts\` | its tests, through the real runtime with the test connector |
| \`bottender.config.ts\` | initial state, session driver, channels |
| \`.env.example\` | the secrets and settings; copy it to \`.env\` |
${
  input.platforms.length > 0
    ? `
## Go live

1. Copy \`.env.example\` to \`.env\` and fill in the secrets. Each channel is enabled only when its
   secrets are set.
2. \`npm run serve\` serves the webhooks on port 5000 (\`PORT\` or \`--port\` to change it).
3. Set each platform's webhook URL to your public HTTPS address:

${webhookLines.join('\n')}
`
    : `
## Add a platform

Install \`@bottender/line\` (or \`telegram\`, \`slack\`) and add it under \`channels\` in
\`bottender.config.ts\`; see Bottender's docs/configuration.md.
`
}`;
}
