#!/usr/bin/env node
'use strict';
// `npm create bottender <folder> [--platform ...] [--driver ...] [--yes]`: the same generator as
// `bottender new`, from the bottender package this one depends on.
const path = require('node:path');

const cli = path.join(path.dirname(require.resolve('bottender/package.json')), 'dist', 'cli', 'main.js');
const args = process.argv.slice(2);
const help = args.length === 0 || args.includes('--help') || args.includes('-h');

require(cli)
  .main(['new', ...args.filter((arg) => arg !== '--help' && arg !== '-h'), ...(help ? ['--help'] : [])])
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`create-bottender: ${(error && error.stack) || error}\n`);
      process.exit(1);
    },
  );
