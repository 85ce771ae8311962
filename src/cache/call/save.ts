import { type EncodedResult, type EntryMeta, type ReadEntry, type Snapshot, snapshotOf, snapshotOfEntry } from '../../store';
import type { Manifest } from '../../tracking';
import { cacheFailure } from '../fail-open';
import { envelope, type Opened, type Slot } from '../inputs';
import { unavailable } from '../reasons';
import { writeEntry } from '../writer';
import type { FunctionParts } from './parts';
import type { Ready } from './setup';

/**
 * Encodes and stores a computed value (to disk, then the team cache), and keeps it in memory
 * when it fits. Returns the independent copy that the memory layer and joined concurrent
 * callers read from (undefined when the value cannot be stored: it is returned uncached, with
 * one warning, or thrown under `strict`).
 */
export function save(parts: FunctionParts, ready: Ready, slot: Slot, value: unknown, computeMs: number, promise: boolean, manifest: Manifest | undefined): Snapshot | undefined {
  const created = Date.now();
  const ttl = parts.ttl;
  // `expires` is kept for `smartcache prune`; reads judge `created` against the ttl declared then.
  const meta: EntryMeta = ttl === undefined
    ? { fn: parts.name, fingerprint: ready.identity.fingerprint, created, computeMs }
    : { fn: parts.name, fingerprint: ready.identity.fingerprint, created, computeMs, expires: created + ttl };
  let encoded: EncodedResult;
  let snapshot: Snapshot | undefined;
  let kept = false;
  try {
    encoded = ready.store.encode(meta, envelope(value, promise, manifest), true);
    kept = parts.memory !== undefined && encoded.bytes <= parts.options.memory.maxBytes;
    // A copy only where one is read: the memory layer, and callers joined to a running promise.
    if (kept || promise) snapshot = snapshotOfEntry(encoded, value);
  } catch (error) {
    slot.release?.(false);
    notSaved(parts, slot, 'its result cannot be stored exactly');
    cacheFailure(parts.name, parts.strict, 'its result cannot be stored exactly, so it is returned uncached', error, 'ERR_UNSERIALIZABLE_RESULT');
    return undefined;
  }
  // While a background write is pending, only the memory layer can serve this key.
  const mode = parts.strict ? 'inline' : kept ? 'auto' : 'large-only';
  parts.reasons.saved(slot.key);
  const failed = (error: unknown): void => {
    notSaved(parts, slot, unavailable(error));
    parts.storeFailure(ready.stats, error);
  };
  const remote = parts.remote;
  // Uploaded once written: the worker reads the entry file itself, so the caller never waits.
  const written = remote === undefined ? undefined : (): void => remote.put(ready.store, slot.key, meta);
  writeEntry(ready.store, slot.key, encoded, failed, mode, slot.release, written);
  if (snapshot !== undefined) remember(parts, slot, snapshot, meta.expires, computeMs, promise, manifest);
  return snapshot;
}

/**
 * A result read from disk (or the team cache), kept in memory from its second read in this
 * process on (MemoryLayer.admit): a key read once, the common cold pattern, costs no copy and no
 * bookkeeping. The second read brings a copy of a small entry's bytes (the store was asked for
 * it, call-path.ts readDisk); otherwise the value is encoded again (the value read is the
 * caller's own; memory keeps an independent copy).
 */
export function keepRead(parts: FunctionParts, slot: Slot, read: ReadEntry, opened: Opened): void {
  const memory = parts.memory;
  if (memory === undefined || !memory.admit(slot.memKey)) return;
  const snapshot = read.snapshot ?? trySnapshot(opened.value);
  const expires = parts.ttl === undefined ? undefined : read.meta.created + parts.ttl;
  if (snapshot !== undefined) remember(parts, slot, snapshot, expires, read.meta.computeMs, opened.promise, opened.manifest);
}

/** A snapshot of a value read from disk (it was stored, so it encodes; a failure only skips memory). */
export function trySnapshot(value: unknown): Snapshot | undefined {
  try {
    return snapshotOf(value);
  } catch {
    return undefined;
  }
}

function remember(parts: FunctionParts, slot: Slot, snapshot: Snapshot, expires: number | undefined, computeMs: number, promise: boolean, manifest: Manifest | undefined): void {
  parts.memory?.set(slot.memKey, { key: slot.key, snapshot, expires, computeMs, promise, used: true, fastArgs: slot.fastArgs, manifest });
}

function notSaved(parts: FunctionParts, slot: Slot, why: string): void {
  slot.notStored = why;
  parts.reasons.notSaved(slot.key, why);
}
