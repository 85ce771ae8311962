'use strict';
// Lets every bench file run alone (`node bench/<file>.js [--quick]`): the same table as
// `npm run bench`, for that file only, and RESULTS.md left untouched.
const { renderTable } = require('./table');
const { normalize } = require('./sections');

async function main(run, title) {
  const quick = process.argv.includes('--quick');
  try {
    const section = normalize(title, await run({ quick }));
    process.stdout.write(renderTable([section]));
  } catch (error) {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  }
}

module.exports = { main };
