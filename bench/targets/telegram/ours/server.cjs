// Our Telegram counter bot, started the way `bottender start` starts a bot folder: createBottender()
// loads this folder's bottender.config.js and index.js, builds the store and the Telegram
// connector, and serves the webhook on node:http. Runs the built dist.
'use strict';
const { serveBotFolder } = require('../../serve-bot-folder.cjs');

serveBotFolder(__dirname);
