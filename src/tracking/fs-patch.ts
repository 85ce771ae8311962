/**
 * Hooks on `node:fs` (and `fs/promises`, the same object as `fs.promises`) that record what a
 * tracked call reads. Installed once, for good: a patch removed and re-applied would leave a
 * program holding whichever function it copied in between. When no call is tracked each hook
 * costs one check of a module-level counter before calling the original (frames.ts).
 *
 * What a call reads through a function it copied before the patch (`const { readFileSync } =
 * require('fs')` in a CommonJS module loaded before smartcache) is not seen: the preload installs
 * the hooks before any user module loads, and ES modules see them through
 * `syncBuiltinESMExports`. Reads by child processes and native addons are not seen either.
 */
import fs = require('node:fs');
import { AsyncResource } from 'node:async_hooks';
import path = require('node:path');
import { installCwdHook } from './cwd-patch';
import { installEnvHook } from './env-watch';
import { installProcessInputHooks } from './process-inputs';
import { syncBuiltinESMExports } from 'node:module';
import { registerPatch } from '../registry';
import { currentFrame, outsideFrames, runInFrame, trackingActive } from './frames';
import { isIgnored } from './paths';
import { retracked, untracked } from './guard';
import { real, snap } from './originals';
import {
  accessed,
  before,
  existed,
  fileAppended,
  fileOpened,
  fileProduced,
  fileRead,
  listed,
  listFailed,
  listingOf,
  listNow,
  listNowOrThrow,
  opaque,
  readFailed,
  stat,
  statFailed,
  target,
  type Target,
} from './record';

type AnyFn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

let installed = false;

/** Members of `node:fs` the program made unwritable before smartcache could hook them. */
const unhookable = new Set<string>();

function replace(holder: Record<string, unknown>, key: string, make: (original: AnyFn) => AnyFn): void {
  let original: unknown;
  try {
    original = holder[key];
  } catch {
    // Node's lazy members (`fs.opendirSync`) redefine themselves on first read: on a frozen `fs`, that throws.
    unhookable.add(key);
    return;
  }
  if (typeof original !== 'function') return;
  const patched = make(original as AnyFn);
  // Keep what hangs on the original (`util.promisify.custom` on `fs.exists`), and its name.
  for (const k of Reflect.ownKeys(original)) {
    if (k === 'length' || k === 'name' || k === 'prototype') continue;
    const d = Reflect.getOwnPropertyDescriptor(original, k);
    if (d !== undefined) Reflect.defineProperty(patched, k, d);
  }
  Object.defineProperty(patched, 'name', { value: original.name, configurable: true });
  registerPatch(patched, original, true);
  try {
    holder[key] = patched;
  } catch {
    // A frozen `node:fs` (`Object.freeze(fs)`, SES): checked below.
  }
  if (holder[key] !== patched) unhookable.add(key);
}


/**
 * Why no call's reads can be trusted, or undefined: what a call reads through a member that could
 * not be hooked is not recorded, so no entry could be checked against it (the calls run, their
 * results are not reused: InputTracker marks each call opaque).
 */
export function unrecordableReason(): string | undefined {
  if (unhookable.size === 0) return undefined;
  return `node:fs, which the program made read-only before smartcache could watch it (${[...unhookable].slice(0, 3).join(', ')}${unhookable.size > 3 ? ', …' : ''}); load smartcache first or use the preload`;
}

// ---- option helpers -------------------------------------------------------------------------

type Encoding = BufferEncoding | undefined;

/** The encoding a read was asked for, and the options without it (so the bytes come back). */
function splitEncoding(options: unknown): { encoding: Encoding; raw: unknown } {
  if (typeof options === 'string') return options === 'buffer' ? { encoding: undefined, raw: undefined } : { encoding: options as BufferEncoding, raw: undefined };
  if (typeof options === 'object' && options !== null) {
    const e = (options as { encoding?: unknown }).encoding;
    if (typeof e === 'string' && e !== 'buffer') return { encoding: e as BufferEncoding, raw: { ...(options as object), encoding: null } };
  }
  return { encoding: undefined, raw: options };
}

function decode(data: unknown, encoding: Encoding): unknown {
  return encoding !== undefined && Buffer.isBuffer(data) ? data.toString(encoding) : data;
}

const { O_WRONLY, O_RDWR, O_TRUNC, O_APPEND } = fs.constants;

type OpenKind = 'read' | 'readwrite' | 'truncate' | 'append';

function openKind(flags: unknown): OpenKind {
  if (flags === undefined || flags === null) return 'read';
  if (typeof flags === 'number') {
    if ((flags & O_APPEND) !== 0) return 'append';
    if ((flags & O_TRUNC) !== 0) return 'truncate';
    if ((flags & O_RDWR) !== 0) return 'readwrite';
    return (flags & O_WRONLY) !== 0 ? 'truncate' : 'read';
  }
  const f = String(flags);
  if (f.includes('a')) return 'append';
  if (f.includes('w')) return 'truncate';
  return f.includes('+') ? 'readwrite' : 'read';
}

function flagOf(options: unknown, fallback: string): unknown {
  if (typeof options === 'object' && options !== null) return (options as { flag?: unknown; flags?: unknown }).flag ?? (options as { flags?: unknown }).flags ?? fallback;
  return fallback;
}

/** What opening `t` with `kind` means for the call: a read, its own output, or an append. */
function opened(t: Target, kind: OpenKind): void {
  if (kind === 'truncate') fileProduced(t);
  else if (kind === 'append') fileAppended(t);
  else fileOpened(t);
}

function isDescriptor(arg: unknown): arg is number {
  return typeof arg === 'number';
}

/**
 * A read through a descriptor: the file it names, when it is a regular file we can name
 * (Linux: /proc/self/fd), else an input that can never be checked.
 */
function descriptorTarget(fd: number): Target | undefined {
  if (!trackingActive()) return undefined;
  let link: string | undefined;
  try {
    link = real.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    link = undefined;
  }
  // The cache's own files (its store reads through descriptors) are neither inputs nor opaque.
  if (link !== undefined && path.isAbsolute(link) && isIgnored(link)) return undefined;
  const t = link === undefined ? undefined : target(link, 2);
  if (t !== undefined && snap(t.abs)?.isFile === true) {
    try {
      if (real.fstatSync(fd).ino === snap(t.abs)?.ino) return t;
    } catch {
      // fall through: opaque
    }
  }
  opaque(`descriptor ${fd}${link === undefined ? '' : ` (${link})`}`);
  return undefined;
}

function fileHandleFd(arg: unknown): number | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const fd = (arg as { fd?: unknown }).fd;
  return typeof fd === 'number' && typeof (arg as { readFile?: unknown }).readFile === 'function' ? fd : undefined;
}

function lastCallback(args: unknown[]): number {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return i;
  return -1;
}

// ---- reads ----------------------------------------------------------------------------------

function patchReadFile(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  replace(fsm, 'readFileSync', (original) =>
    function readFileSync(this: unknown, file: unknown, options?: unknown): unknown {
      if (!trackingActive()) return original.call(this, file, options);
      const t = isDescriptor(file) ? descriptorTarget(file) : target(file);
      if (t === undefined) return original.call(this, file, options);
      const { encoding, raw } = splitEncoding(options);
      const s = before(t);
      let data: unknown;
      try {
        // Node's readFileSync opens through `fs.openSync`: this read is recorded here, once.
        data = untracked(() => original.call(this, file, raw));
      } catch (error) {
        readFailed(t, error);
        throw error;
      }
      fileRead(t, s, data as Buffer);
      return decode(data, encoding);
    },
  );

  replace(fsm, 'readFile', (original) =>
    function readFile(this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive()) return original.apply(this, args);
      const at = lastCallback(args);
      const file = args[0];
      const t = at < 1 ? undefined : isDescriptor(file) ? descriptorTarget(file) : target(file);
      if (t === undefined) return original.apply(this, args);
      const callback = args[at] as (error: unknown, data?: unknown) => void;
      const { encoding, raw } = splitEncoding(at > 1 ? args[1] : undefined);
      const s = before(t);
      return original.call(this, file, raw, (error: unknown, data: unknown) => {
        if (error !== null && error !== undefined) {
          readFailed(t, error);
          callback(error);
          return;
        }
        fileRead(t, s, data as Buffer);
        callback(null, decode(data, encoding));
      });
    },
  );

  replace(promises, 'readFile', (original) =>
    async function readFile(this: unknown, file: unknown, options?: unknown): Promise<unknown> {
      if (!trackingActive()) return original.call(this, file, options);
      const handleFd = fileHandleFd(file);
      const t = handleFd !== undefined ? descriptorTarget(handleFd) : target(file);
      if (t === undefined) return original.call(this, file, options);
      const { encoding, raw } = splitEncoding(options);
      const s = before(t);
      let data: unknown;
      try {
        data = await original.call(this, file, raw);
      } catch (error) {
        readFailed(t, error);
        throw error;
      }
      fileRead(t, s, data as Buffer);
      return decode(data, encoding);
    },
  );
}

function patchOpen(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  replace(fsm, 'openSync', (original) =>
    function openSync(this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive()) return original.apply(this, args);
      const t = target(args[0]);
      if (t === undefined) return original.apply(this, args);
      const kind = openKind(args[1]);
      // A read is recorded before the descriptor exists: nothing can have been read through it yet.
      if (kind !== 'truncate') opened(t, kind);
      const fd: unknown = original.apply(this, args);
      if (kind === 'truncate') opened(t, kind);
      return fd;
    },
  );
  replace(fsm, 'open', (original) =>
    function open(this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive()) return original.apply(this, args);
      const at = lastCallback(args);
      const t = at < 1 ? undefined : target(args[0]);
      if (t === undefined) return original.apply(this, args);
      const kind = openKind(at > 1 ? args[1] : undefined);
      if (kind !== 'truncate') opened(t, kind);
      const callback = args[at] as (error: unknown, fd?: number) => void;
      const rest = args.slice(0, at);
      return original.call(this, ...rest, (error: unknown, fd: number) => {
        if ((error === null || error === undefined) && kind === 'truncate') opened(t, kind);
        callback(error, fd);
      });
    },
  );
  replace(promises, 'open', (original) =>
    async function open(this: unknown, ...args: unknown[]): Promise<unknown> {
      if (!trackingActive()) return patchHandles(await original.apply(this, args));
      const t = target(args[0]);
      if (t === undefined) return patchHandles(await original.apply(this, args));
      const kind = openKind(args[1]);
      if (kind !== 'truncate') opened(t, kind);
      const handle: unknown = patchHandles(await original.apply(this, args));
      if (kind === 'truncate') opened(t, kind);
      return handle;
    },
  );
  replace(fsm, 'createReadStream', (original) =>
    function createReadStream(this: unknown, ...args: unknown[]): unknown {
      if (trackingActive()) {
        const options = args[1];
        const hasFd = typeof options === 'object' && options !== null && (options as { fd?: unknown }).fd !== undefined;
        if (hasFd) {
          const fd = (options as { fd?: unknown }).fd;
          const n = typeof fd === 'number' ? fd : fileHandleFd(fd);
          if (n !== undefined) {
            const t = descriptorTarget(n);
            if (t !== undefined) fileOpened(t);
          }
        } else {
          const t = target(args[0]);
          if (t !== undefined) opened(t, openKind(flagOf(options, 'r')));
        }
      }
      return original.apply(this, args);
    },
  );
  replace(fsm, 'createWriteStream', (original) =>
    function createWriteStream(this: unknown, ...args: unknown[]): unknown {
      const t = trackingActive() ? target(args[0]) : undefined;
      const stream: unknown = original.apply(this, args);
      if (t !== undefined) opened(t, openKind(flagOf(args[1], 'w')));
      return stream;
    },
  );
}

// ---- descriptors opened before the call ----------------------------------------------------------

/**
 * A read through a descriptor or FileHandle: the file it names is read by the call. One opened
 * during the call was recorded at its open (recording again changes nothing); one opened before
 * (a module's `fs.openSync` at load) is recorded here, hashed whole as an opened file is.
 */
function descriptorRead(fd: unknown): void {
  if (!isDescriptor(fd) || currentFrame() === undefined) return;
  const t = descriptorTarget(fd);
  if (t !== undefined) fileOpened(t);
}

/** A stat through a descriptor: recorded for a regular file we can name (a pipe's says nothing stored). */
function descriptorStat(fd: unknown, s: unknown): void {
  if (!isDescriptor(fd) || currentFrame() === undefined) return;
  let link: string;
  try {
    link = real.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return;
  }
  if (!path.isAbsolute(link) || isIgnored(link) || snap(link)?.isFile !== true) return;
  const t = target(link, 2);
  if (t !== undefined) stat(t, s as fs.Stats);
}

function patchDescriptors(fsm: Record<string, unknown>): void {
  // A Blob of a file (Node 19.8+) reads it later, when the call asks for its bytes.
  replace(fsm, 'openAsBlob', (original) =>
    function openAsBlob(this: unknown, ...args: unknown[]): unknown {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t !== undefined) fileOpened(t);
      return original.apply(this, args);
    },
  );
  for (const name of ['readSync', 'readvSync'] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (trackingActive()) descriptorRead(args[0]);
        return original.apply(this, args);
      },
    );
  }
  for (const name of ['read', 'readv'] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (trackingActive()) descriptorRead(args[0]);
        return original.apply(this, args);
      },
    );
  }
  replace(fsm, 'fstatSync', (original) =>
    function fstatSync(this: unknown, ...args: unknown[]): unknown {
      const s: unknown = original.apply(this, args);
      if (trackingActive()) descriptorStat(args[0], s);
      return s;
    },
  );
  replace(fsm, 'fstat', (original) =>
    function fstat(this: unknown, ...args: unknown[]): unknown {
      const at = lastCallback(args);
      if (!trackingActive() || at < 1) return original.apply(this, args);
      const callback = args[at] as (error: unknown, s?: unknown) => void;
      return original.call(this, ...args.slice(0, at), (error: unknown, s: unknown) => {
        if (error === null || error === undefined) descriptorStat(args[0], s);
        callback(error, s);
      });
    },
  );
}

let handlesPatched = false;

/**
 * FileHandle's class is not exported: its prototype is patched from the first handle
 * `fs.promises.open` makes, before any caller holds one (the preload hooks `open` first).
 */
function patchHandles(handle: unknown): unknown {
  if (handlesPatched || fileHandleFd(handle) === undefined) return handle;
  handlesPatched = true;
  const proto = Object.getPrototypeOf(handle) as Record<string, unknown> | null;
  if (proto === null) return handle;
  for (const name of ['read', 'readv', 'readFile', 'readLines', 'readableWebStream', 'createReadStream']) {
    replace(proto, name, (original) =>
      function (this: { fd?: unknown }, ...args: unknown[]): unknown {
        if (trackingActive()) descriptorRead(this.fd);
        return original.apply(this, args);
      },
    );
  }
  replace(proto, 'stat', (original) =>
    async function stat(this: { fd?: unknown }, ...args: unknown[]): Promise<unknown> {
      const fd = this.fd;
      const s: unknown = await original.apply(this, args);
      if (trackingActive()) descriptorStat(fd, s);
      return s;
    },
  );
  return handle;
}

// ---- writes: outputs of the call, and appends --------------------------------------------------

function patchWrites(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  const after = (t: Target | undefined, kind: OpenKind): void => {
    if (t !== undefined) opened(t, kind === 'read' || kind === 'readwrite' ? 'append' : kind);
  };
  for (const [name, fallback] of [['writeFileSync', 'w'], ['appendFileSync', 'a']] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive() || isDescriptor(args[0])) return original.apply(this, args);
        const t = target(args[0]);
        const kind = openKind(flagOf(args[2], fallback));
        if (kind === 'append') after(t, kind);
        const out: unknown = original.apply(this, args);
        if (kind !== 'append') after(t, kind);
        return out;
      },
    );
  }
  for (const [name, fallback] of [['writeFile', 'w'], ['appendFile', 'a']] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive() || isDescriptor(args[0])) return original.apply(this, args);
        const at = lastCallback(args);
        const t = at < 2 ? undefined : target(args[0]);
        if (t === undefined) return original.apply(this, args);
        const kind = openKind(flagOf(at > 2 ? args[2] : undefined, fallback));
        if (kind === 'append') after(t, kind);
        const callback = args[at] as (error: unknown) => void;
        return original.call(this, ...args.slice(0, at), (error: unknown) => {
          if ((error === null || error === undefined) && kind !== 'append') after(t, kind);
          callback(error);
        });
      },
    );
    replace(promises, name, (original) =>
      async function (this: unknown, ...args: unknown[]): Promise<unknown> {
        if (!trackingActive() || fileHandleFd(args[0]) !== undefined) return original.apply(this, args);
        const t = target(args[0]);
        const kind = openKind(flagOf(args[2], fallback));
        if (kind === 'append') after(t, kind);
        const out: unknown = await original.apply(this, args);
        if (kind !== 'append') after(t, kind);
        return out;
      },
    );
  }
}

// ---- listings, existence, access, stat --------------------------------------------------------

function isRecursive(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { recursive?: unknown }).recursive === true;
}

function patchListings(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  replace(fsm, 'readdirSync', (original) =>
    function readdirSync(this: unknown, ...args: unknown[]): unknown {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t === undefined) return original.apply(this, args);
      const s = snap(t.abs);
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        listFailed(t, isRecursive(args[1]), error);
        throw error;
      }
      listed(t, isRecursive(args[1]), s, listingOf(result, t.abs, isRecursive(args[1])));
      return result;
    },
  );
  replace(fsm, 'readdir', (original) =>
    function readdir(this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive()) return original.apply(this, args);
      const at = lastCallback(args);
      const t = at < 1 ? undefined : target(args[0]);
      if (t === undefined) return original.apply(this, args);
      const recursive = isRecursive(at > 1 ? args[1] : undefined);
      const s = snap(t.abs);
      const callback = args[at] as (error: unknown, result?: unknown) => void;
      return original.call(this, ...args.slice(0, at), (error: unknown, result: unknown) => {
        if (error !== null && error !== undefined) listFailed(t, recursive, error);
        else listed(t, recursive, s, listingOf(result, t.abs, recursive));
        callback(error, result);
      });
    },
  );
  replace(promises, 'readdir', (original) =>
    async function readdir(this: unknown, ...args: unknown[]): Promise<unknown> {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t === undefined) return original.apply(this, args);
      const recursive = isRecursive(args[1]);
      const s = snap(t.abs);
      let result: unknown;
      try {
        result = await original.apply(this, args);
      } catch (error) {
        listFailed(t, recursive, error);
        throw error;
      }
      listed(t, recursive, s, listingOf(result, t.abs, recursive));
      return result;
    },
  );
  // A Dir is read entry by entry later: the listing is taken now, before the call sees any.
  const listAtOpen = (arg: unknown, options: unknown): void => {
    const t = target(arg, 2);
    if (t === undefined) return;
    const recursive = isRecursive(options);
    // A Dir yields Dirents: the call sees each entry's type.
    let names: string[];
    try {
      names = listNowOrThrow(t.abs, recursive);
    } catch (error) {
      // Not there, not a folder, not readable: recorded as a failed listing (opendir fails the same way).
      listFailed(t, recursive, error);
      return;
    }
    listed(t, recursive, snap(t.abs), { names, types: true });
  };
  replace(fsm, 'opendirSync', (original) =>
    function opendirSync(this: unknown, ...args: unknown[]): unknown {
      if (trackingActive()) listAtOpen(args[0], args[1]);
      return original.apply(this, args);
    },
  );
  replace(fsm, 'opendir', (original) =>
    function opendir(this: unknown, ...args: unknown[]): unknown {
      if (trackingActive()) listAtOpen(args[0], typeof args[1] === 'function' ? undefined : args[1]);
      return original.apply(this, args);
    },
  );
  replace(promises, 'opendir', (original) =>
    function opendir(this: unknown, ...args: unknown[]): unknown {
      if (trackingActive()) listAtOpen(args[0], args[1]);
      return original.apply(this, args);
    },
  );
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

function patchChecks(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  replace(fsm, 'existsSync', (original) =>
    function existsSync(this: unknown, file: unknown): unknown {
      const result: unknown = original.call(this, file);
      if (trackingActive()) {
        const t = target(file);
        if (t !== undefined) existed(t, result === true);
      }
      return result;
    },
  );
  replace(fsm, 'exists', (original) =>
    function exists(this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive() || typeof args[1] !== 'function') return original.apply(this, args);
      const t = target(args[0]);
      const callback = args[1] as (exists: boolean) => void;
      return original.call(this, args[0], (result: boolean) => {
        if (t !== undefined) existed(t, result);
        callback(result);
      });
    },
  );
  const modeOf = (mode: unknown): number => (typeof mode === 'number' ? mode : fs.constants.F_OK);
  replace(fsm, 'accessSync', (original) =>
    function accessSync(this: unknown, ...args: unknown[]): unknown {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t === undefined) return original.apply(this, args);
      try {
        const out: unknown = original.apply(this, args);
        accessed(t, modeOf(args[1]), 'ok');
        return out;
      } catch (error) {
        accessed(t, modeOf(args[1]), errorCode(error));
        throw error;
      }
    },
  );
  replace(fsm, 'access', (original) =>
    function access(this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive()) return original.apply(this, args);
      const at = lastCallback(args);
      const t = at < 1 ? undefined : target(args[0]);
      if (t === undefined) return original.apply(this, args);
      const mode = modeOf(at > 1 ? args[1] : undefined);
      const callback = args[at] as (error: unknown) => void;
      return original.call(this, ...args.slice(0, at), (error: unknown) => {
        accessed(t, mode, error === null || error === undefined ? 'ok' : errorCode(error));
        callback(error);
      });
    },
  );
  replace(promises, 'access', (original) =>
    async function access(this: unknown, ...args: unknown[]): Promise<unknown> {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t === undefined) return original.apply(this, args);
      try {
        const out: unknown = await original.apply(this, args);
        accessed(t, modeOf(args[1]), 'ok');
        return out;
      } catch (error) {
        accessed(t, modeOf(args[1]), errorCode(error));
        throw error;
      }
    },
  );

  for (const kind of ['stat', 'lstat'] as const) {
    replace(fsm, `${kind}Sync`, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const t = trackingActive() ? target(args[0]) : undefined;
        if (t === undefined) return original.apply(this, args);
        let s: unknown;
        try {
          s = original.apply(this, args);
        } catch (error) {
          statFailed(t, error, kind);
          throw error;
        }
        stat(t, s as fs.Stats | undefined, kind);
        return s;
      },
    );
    replace(fsm, kind, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive()) return original.apply(this, args);
        const at = lastCallback(args);
        const t = at < 1 ? undefined : target(args[0]);
        if (t === undefined) return original.apply(this, args);
        const callback = args[at] as (error: unknown, s?: unknown) => void;
        return original.call(this, ...args.slice(0, at), (error: unknown, s: unknown) => {
          if (error !== null && error !== undefined) statFailed(t, error, kind);
          else stat(t, s as fs.Stats, kind);
          callback(error, s);
        });
      },
    );
    replace(promises, kind, (original) =>
      async function (this: unknown, ...args: unknown[]): Promise<unknown> {
        const t = trackingActive() ? target(args[0]) : undefined;
        if (t === undefined) return original.apply(this, args);
        let s: unknown;
        try {
          s = await original.apply(this, args);
        } catch (error) {
          statFailed(t, error, kind);
          throw error;
        }
        stat(t, s as fs.Stats, kind);
        return s;
      },
    );
  }
}

// ---- copies, moves and hard links: the source is read, the destination is the call's own output ----

/**
 * A copy, a move or a hard link reads its source (the call's result may depend on it through the
 * new name it reads later): a file is hashed as an opened file is, a folder by its recursive
 * listing and every file in it. The destination is written from scratch, so reading it later
 * reads the call's own output.
 */
function copied(from: unknown, to: unknown): void {
  const source = target(from, 2);
  if (source !== undefined) {
    const s = snap(source.abs);
    if (s?.isDirectory === true) {
      const names = listNow(source.abs, true);
      listed(source, true, s, names === undefined ? undefined : { names, types: false });
      for (const name of names ?? []) {
        const file: Target = { frame: source.frame, abs: path.join(source.abs, name) };
        if (snap(file.abs)?.isFile === true) fileOpened(file);
      }
    } else fileOpened(source);
  }
  const destination = target(to, 2);
  if (destination !== undefined && snap(destination.abs)?.isDirectory !== true) fileProduced(destination);
}

/**
 * `cp`'s `filter` option is the program's code, called by Node inside the copy (which runs
 * untracked or outside the call's frame): what it reads (`.copyignore`) is the call's. The options
 * (`args[2]`) are replaced by a copy holding `wrap(filter)`; the program's object is not touched.
 */
function withOwnFilter(args: unknown[], wrap: (filter: Function) => Function): void {
  const options = args[2];
  if (typeof options !== 'object' || options === null) return;
  const filter = (options as { filter?: unknown }).filter;
  if (typeof filter !== 'function') return;
  args[2] = { ...options, filter: wrap(filter) };
}

function patchCopies(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  // `cp` is written with fs calls of its own (Node 20): recorded, its stats of the destination's
  // folders would be inputs; `copied` records what the copy reads instead.
  const inside = (name: string): ((fn: () => unknown) => unknown) => (name === 'cp' ? outsideFrames : (fn) => fn());
  for (const name of ['copyFileSync', 'cpSync', 'renameSync', 'linkSync'] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive()) return original.apply(this, args);
        copied(args[0], args[1]);
        if (name === 'cpSync') withOwnFilter(args, (filter) => (...a: unknown[]) => retracked(() => Reflect.apply(filter, undefined, a)));
        return untracked(() => original.apply(this, args));
      },
    );
  }
  for (const name of ['copyFile', 'cp', 'rename', 'link'] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const at = lastCallback(args);
        if (!trackingActive() || at < 2) return original.apply(this, args);
        copied(args[0], args[1]);
        // The callback and a `filter` run in the call's frame: what they read is the call's.
        if (name === 'cp') withOwnFilter(args, (filter) => AsyncResource.bind(filter as (...a: unknown[]) => unknown));
        const callback = AsyncResource.bind(args[at] as (...results: unknown[]) => unknown);
        return inside(name)(() => original.call(this, ...args.slice(0, at), callback));
      },
    );
    replace(promises, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive()) return original.apply(this, args);
        copied(args[0], args[1]);
        if (name === 'cp') withOwnFilter(args, (filter) => AsyncResource.bind(filter as (...a: unknown[]) => unknown));
        // An `await` of the promise resumes in the caller's frame.
        return inside(name)(() => original.apply(this, args));
      },
    );
  }
}

// ---- removals: rm and rmdir -------------------------------------------------------------------

/**
 * Removing is writing: a call that empties its output folder (`rmSync('dist', { recursive: true,
 * force: true })`, then writes it again) does not depend on what was there. Node's JavaScript `rm`
 * (Node 20; Node 24's `promises.rm`) lstats and lists the tree through `node:fs`: recorded, the
 * folder's state (a new mtime every run) made the entry miss every time. The removal runs
 * unrecorded, and the path is the call's own output from then on.
 */
function patchRemovals(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  for (const name of ['rmSync', 'rmdirSync'] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive() || isDescriptor(args[0])) return original.apply(this, args);
        const t = target(args[0]);
        const out: unknown = untracked(() => original.apply(this, args));
        if (t !== undefined) fileProduced(t);
        return out;
      },
    );
  }
  for (const name of ['rm', 'rmdir'] as const) {
    replace(fsm, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const at = lastCallback(args);
        if (!trackingActive() || at < 1) return original.apply(this, args);
        const t = target(args[0]);
        const callback = AsyncResource.bind(args[at] as (error: unknown) => void);
        return outsideFrames(() =>
          original.call(this, ...args.slice(0, at), (error: unknown) => {
            if (t !== undefined && (error === null || error === undefined)) fileProduced(t);
            callback(error);
          }),
        );
      },
    );
    replace(promises, name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        if (!trackingActive()) return original.apply(this, args);
        const t = target(args[0]);
        const done = outsideFrames(() => original.apply(this, args)) as Promise<unknown>;
        return t === undefined ? done : done.then((out) => (fileProduced(t), out));
      },
    );
  }
}

// ---- links: readlink and realpath ----------------------------------------------------------------

/**
 * Where a path leads depends on every symbolic link on the way: each one met is recorded by its
 * lstat (a link made again to point elsewhere is a new link, with a new mtime), and a missing
 * component as absent. Followed as the kernel does, link targets included, up to 40 links (its
 * ELOOP bound).
 */
function linksOnTheWay(t: Target): void {
  const root = path.parse(t.abs).root;
  let rest = t.abs.slice(root.length).split(path.sep).filter((p) => p !== '');
  let current = root;
  for (let hops = 0; rest.length > 0; ) {
    const next = path.join(current, rest.shift() as string);
    let s: fs.Stats;
    try {
      s = real.lstatSync(next);
    } catch {
      stat({ frame: t.frame, abs: next }, undefined, 'lstat');
      return;
    }
    if (!s.isSymbolicLink()) {
      current = next;
      continue;
    }
    stat({ frame: t.frame, abs: next }, s, 'lstat');
    if (++hops > 40) return;
    const to = path.resolve(current, real.readlinkSync(next));
    const toRoot = path.parse(to).root;
    rest = [...to.slice(toRoot.length).split(path.sep).filter((p) => p !== ''), ...rest];
    current = toRoot;
  }
}

function linkHook(kind: 'readlink' | 'realpath'): (t: Target) => void {
  return kind === 'realpath' ? linksOnTheWay : (t) => stat(t, snapLink(t.abs), 'lstat');
}

function snapLink(abs: string): fs.Stats | undefined {
  try {
    return real.lstatSync(abs);
  } catch {
    return undefined;
  }
}

function patchLinks(fsm: Record<string, unknown>, promises: Record<string, unknown>): void {
  const syncHook = (kind: 'readlink' | 'realpath') => (original: AnyFn) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t === undefined) return original.apply(this, args);
      // Recorded whatever the outcome: a link or path that appears later must miss too.
      try {
        return original.apply(this, args);
      } finally {
        linkHook(kind)(t);
      }
    };
  const callbackHook = (kind: 'readlink' | 'realpath') => (original: AnyFn) =>
    function (this: unknown, ...args: unknown[]): unknown {
      if (!trackingActive()) return original.apply(this, args);
      const at = lastCallback(args);
      const t = at < 1 ? undefined : target(args[0]);
      if (t === undefined) return original.apply(this, args);
      const callback = args[at] as (...results: unknown[]) => void;
      // Node's JavaScript realpath walks the path with fs.lstat and fs.readlink: run outside the
      // frame, they would make every folder on the way (its mtime) an input of the call. What the
      // answer depends on, the links on the way and whether the path exists, is recorded here.
      return outsideFrames(() =>
        original.call(this, ...args.slice(0, at), (...results: unknown[]) =>
          runInFrame(t.frame, () => {
            linkHook(kind)(t);
            callback(...results);
          }),
        ),
      );
    };
  const promiseHook = (kind: 'readlink' | 'realpath') => (original: AnyFn) =>
    async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const t = trackingActive() ? target(args[0]) : undefined;
      if (t === undefined) return original.apply(this, args);
      try {
        return await original.apply(this, args);
      } finally {
        linkHook(kind)(t);
      }
    };
  replace(fsm, 'readlinkSync', syncHook('readlink'));
  replace(fsm, 'readlink', callbackHook('readlink'));
  replace(promises, 'readlink', promiseHook('readlink'));
  replace(fsm, 'realpathSync', syncHook('realpath'));
  replace(fsm, 'realpath', callbackHook('realpath'));
  replace(promises, 'realpath', promiseHook('realpath'));
  // `fs.realpathSync.native` / `fs.realpath.native` (libuv's): the hooks copied them over as they were.
  for (const name of ['realpathSync', 'realpath'] as const) {
    const holder = fsm[name];
    if (typeof holder === 'function') replace(holder as unknown as Record<string, unknown>, 'native', name === 'realpathSync' ? syncHook('realpath') : callbackHook('realpath'));
  }
}

let earlierHandlesPatched = false;

/**
 * Handles opened before the hooks (a module loaded before smartcache) share the prototype the
 * first handle opened now patches: one `fs.promises.open` of this file, closed at once. Not done
 * when the hooks go in at smartcache's load but at its first `cache()` (input-tracker.ts): the
 * open takes a descriptor number at a moment that depends on timing, and a program that opened
 * its own descriptors just after loading smartcache got other numbers from run to run (a module
 * `const fd = fs.openSync(…)` read by a cached function then missed at random).
 */
export function patchEarlierHandles(): void {
  if (earlierHandlesPatched) return;
  earlierHandlesPatched = true;
  const promises = fs.promises as unknown as Record<string, unknown>;
  void (promises['open'] as (file: string) => Promise<{ close(): Promise<void> }>)(__filename).then(
    (handle) => handle.close(),
    () => undefined,
  );
}

/**
 * When the hooks go in: `preload`, before the program's first module runs (no FileHandle can exist
 * yet, none is opened to find their prototype: a start-up with no file I/O and no libuv threads
 * started for it); `load`, when smartcache's cache layer loads (handles the program opened before
 * are patched at the first `cache()`, see patchEarlierHandles); `call`, at a `cache()`.
 */
export type HookTime = 'preload' | 'load' | 'call';

/** Installs the hooks (once per process). */
export function installFsHooks(when: HookTime = 'call'): void {
  if (installed) return;
  installed = true;
  const fsm = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  patchReadFile(fsm, promises);
  patchOpen(fsm, promises);
  patchWrites(fsm, promises);
  patchListings(fsm, promises);
  patchChecks(fsm, promises);
  patchLinks(fsm, promises);
  patchCopies(fsm, promises);
  patchRemovals(fsm, promises);
  patchDescriptors(fsm);
  if (when === 'preload') earlierHandlesPatched = true;
  else if (when === 'call') patchEarlierHandles();
  installCwdHook();
  // Variables are inputs the same way: recorded while a call runs, checked before a hit.
  installEnvHook();
  installProcessInputHooks();
  try {
    // ES modules that imported named bindings from node:fs see the hooks too.
    syncBuiltinESMExports();
  } catch {
    // Only ES modules' named imports are left unhooked; CommonJS and `fs.x` calls are not affected.
  }
}
