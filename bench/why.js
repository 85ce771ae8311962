'use strict';
// Reasons for missed targets that a run cannot work out by itself. RESULTS.md is rewritten by every
// run, so a human explanation lives here, keyed by the figure's exact name (as printed in the
// table); `npm run bench` appends it after "missed by N×". Remove an entry once the target is met.
//
// Example:
//   'warm hit, 1 key repeated: smartcache': 'The memory layer still hashes the arguments with sha256 on every hit (no primitive fast path yet).',
module.exports = {};
