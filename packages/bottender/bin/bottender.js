#!/usr/bin/env node
'use strict';
// The `bottender` command. The CLI is compiled TypeScript: npm install at the repository root
// builds it (the root `prepare` script); this file only finds it and reports its exit code.
const { existsSync } = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    `bottender: the CLI is not built (${path.relative(process.cwd(), entry) || entry} is missing): ` +
      'run "npm run build" at the root of the Bottender repository\n',
  );
  process.exit(1);
}

require(entry)
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bottender: ${(error && error.stack) || error}\n`);
      process.exit(1);
    },
  );
