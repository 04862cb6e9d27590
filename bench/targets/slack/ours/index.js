// The bot's handler, found by the config loader as in Bottender 1.x (index.js in the bot folder).
'use strict';

module.exports = require('../../counter.cjs');
