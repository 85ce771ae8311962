'use strict';
// The function every peer caches, and the arguments of key i. Same arguments and same results
// for all peers (the Python twin in joblib_child.py mirrors this exactly): three small
// primitives in, a small plain object (~70 bytes as JSON) out, so serialization is part of a hit.

function sample(id, label, weight) {
  return { id, name: `${label}-${id}`, score: weight * 0.5 + id, tags: ['bench', label] };
}

/** Arguments of key i: three small primitives. */
function argsFor(i) {
  return [i, 'alpha', 7];
}

module.exports = { sample, argsFor };
