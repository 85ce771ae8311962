// tsc emits .mts sources as .mjs already; this script only makes the CLI entry executable,
// because npm links `bin` targets but tsc does not set the mode bit.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
