/**
 * The hooks' own synchronous file access (hashing a file, Node's `readFileSync` calling
 * `fs.openSync` inside) must not be recorded as the call's: a depth counter, checked by every hook.
 */
let internal = 0;

export function inInternal(): boolean {
  return internal !== 0;
}

/** Runs `fn` without recording anything it does through `node:fs`. */
export function untracked<T>(fn: () => T): T {
  internal++;
  try {
    return fn();
  } finally {
    internal--;
  }
}

/**
 * Runs the user's `fn` recorded again inside an `untracked` stretch: a callback the program
 * handed to an fs function smartcache runs untracked (`cpSync`'s `filter`) is the program's code.
 */
export function retracked<T>(fn: () => T): T {
  const saved = internal;
  internal = 0;
  try {
    return fn();
  } finally {
    internal = saved;
  }
}
