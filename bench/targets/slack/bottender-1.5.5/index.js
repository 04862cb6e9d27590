// Bottender 1.x loads the handler from index.js in the working directory.
'use strict';

module.exports = require('../../counter.cjs');
