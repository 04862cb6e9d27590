// Our counter bot on Slack, started the way `bottender start` starts a bot folder: createBottender()
// loads this folder's bottender.config.js and index.js and serves the Slack connector on node:http.
// Runs the built dist (require('bottender') is packages/bottender/dist).
'use strict';
const { serveBotFolder } = require('../../serve-bot-folder.cjs');

serveBotFolder(__dirname);
