// Our counter bot on @bottender/mongo, started as `bottender start` starts a bot folder (see
// targets/ours/server.cjs): createBottender() loads this folder's config and handler.
'use strict';
const { serveBotFolder } = require('../../serve-bot-folder.cjs');

serveBotFolder(__dirname);
