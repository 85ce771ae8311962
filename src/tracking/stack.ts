/**
 * A few call sites of the code running now, for deciding who made a read or used the clock.
 * Captured only on the rare paths that need them (a read during the cache's own work, a first use
 * of the clock in a call), never on every hooked call.
 *
 * The program's `Error.prepareStackTrace` and `Error.stackTraceLimit` are set aside with
 * `Object.defineProperty` and their exact descriptors put back: assigning would run a program's
 * setter (source-map-support style accessors), which restoring the descriptor does not undo. When
 * either is an accessor, nothing is touched and the caller gets undefined (its conservative answer).
 */

/** What smartcache reads of a V8 call site (a subset of `NodeJS.CallSite`, named here so the public types need no @types/node). */
export interface StackSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

function plainOrAbsent(d: PropertyDescriptor | undefined): boolean {
  return d === undefined || 'value' in d;
}

function restore(key: 'prepareStackTrace' | 'stackTraceLimit', saved: PropertyDescriptor | undefined): void {
  if (saved === undefined) Reflect.deleteProperty(Error, key);
  else Object.defineProperty(Error, key, saved);
}

/** Up to `limit` call sites above the topmost call of `cut`, or undefined when they cannot be read without running the program's code. */
export function callSites(limit: number, cut: Function): readonly StackSite[] | undefined {
  const savedPrepare = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  const savedLimit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  if (!plainOrAbsent(savedPrepare) || !plainOrAbsent(savedLimit)) return undefined;
  try {
    Object.defineProperty(Error, 'stackTraceLimit', { value: limit, writable: true, configurable: true, enumerable: true });
    Object.defineProperty(Error, 'prepareStackTrace', {
      value: (_error: Error, sites: StackSite[]) => sites,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, cut);
    const sites: unknown = holder.stack;
    return Array.isArray(sites) ? (sites as StackSite[]) : undefined;
  } catch {
    // A non-configurable property or a frozen Error: nothing could be read.
    return undefined;
  } finally {
    try {
      restore('stackTraceLimit', savedLimit);
      restore('prepareStackTrace', savedPrepare);
    } catch {
      // Frozen after all: nothing was changed.
    }
  }
}

/** The file of a call site, or undefined for native frames (built-ins, microtask entries). */
export function fileOf(site: StackSite): string | undefined {
  const file = site.getFileName();
  return file === undefined || file === null || file === '' ? undefined : file;
}
