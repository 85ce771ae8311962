import { sha256 } from '../../hash';
import path = require('node:path');
import { SmartCacheTypeError } from '../../errors';

/**
 * Every path the store touches is built here. The format version lives in this one constant and
 * in the folder name, so a future format never reads (or evicts) an older one's files.
 * Version 2: every entry names its own key inside its checksummed head (format.ts).
 */
export const STORE_FORMAT_VERSION = 2;

const KEY = /^[0-9a-f]{64}$/;

export interface Layout {
  readonly root: string;
  /** `<root>/smartcache-v2` */
  readonly base: string;
  readonly entries: string;
  readonly functions: string;
  readonly stats: string;
}

export function layoutFor(root: string): Layout {
  const resolved = path.resolve(root);
  const base = path.join(resolved, `smartcache-v${STORE_FORMAT_VERSION}`);
  return {
    root: resolved,
    base,
    entries: path.join(base, 'entries'),
    functions: path.join(base, 'functions'),
    stats: path.join(base, 'stats'),
  };
}

export function isKey(key: string): boolean {
  return KEY.test(key);
}

/** Keys are computed by the cache layer; anything else is a bug there, never a path to follow. */
export function assertKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new SmartCacheTypeError(`store key must be 64 lowercase hex characters, got ${JSON.stringify(String(key)).slice(0, 80)}`);
  }
}

/** `entries/ab/cd`: two fan-out levels keep every folder small even with millions of entries. */
export function entryDir(layout: Layout, key: string): string {
  return `${layout.entries}${path.sep}${key.slice(0, 2)}${path.sep}${key.slice(2, 4)}`;
}

/** Plain concatenation: `entries` is already absolute and normalized, the key is hex. */
export function entryFile(layout: Layout, key: string): string {
  return `${entryDir(layout, key)}${path.sep}${key}`;
}

/** `entries/ab/cd/<key>.claim`: a process computing `key` holds it (src/flight/). */
export function claimFile(layout: Layout, key: string): string {
  return `${entryFile(layout, key)}.claim`;
}

/**
 * A user-supplied name as one safe path component: a readable, sanitized prefix plus a hash of
 * the exact name, so `../../x`, `a/b`, `CON`, '' or a 10 kB name all stay one harmless folder
 * name inside the store, and two names that sanitize alike still differ.
 */
export function safeSegment(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  const digest = sha256(name).slice(0, 16);
  return `${readable}-${digest}`;
}

/** Folder holding the records of one function name. */
export function functionDir(layout: Layout, name: string): string {
  return path.join(layout.functions, safeSegment(name));
}

export function functionRecordFile(layout: Layout, name: string, fingerprint: string): string {
  return path.join(functionDir(layout, name), `${safeSegment(fingerprint)}.rec`);
}

export function statsFile(layout: Layout): string {
  return path.join(layout.stats, 'stats.log');
}

let tempCounter = 0;

/**
 * A temporary name next to `file` (same folder, so rename is atomic), unique per process and
 * call; the pid lets a prune tell whose temp it is. Never a valid key, so scans skip it.
 */
export function tempFileFor(file: string): string {
  tempCounter = (tempCounter + 1) >>> 0;
  const random = Math.floor(Math.random() * 0x1_0000_0000).toString(16);
  return `${file}.${process.pid}.${tempCounter}.${random}.tmp`;
}

export function isTempName(name: string): boolean {
  return name.endsWith('.tmp');
}
