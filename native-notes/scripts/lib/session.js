'use strict';
// Shared by the measuring scripts: an in-process inspector session whose `post` answers
// synchronously (as smartcache's own does, src/fingerprint/runtime/inspector.ts), and a timer.
const inspector = require('node:inspector');

function openSession() {
  const session = new inspector.Session();
  session.connect();
  function post(method, params = {}) {
    let answer;
    let failure;
    session.post(method, params, (error, result) => { failure = error; answer = result; });
    if (failure) throw failure;
    return answer;
  }
  return { session, post };
}

/** Milliseconds since `t` (a `process.hrtime.bigint()`). */
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

module.exports = { openSession, ms };
