/**
 * Phase 5, persisted fingerprints ("proofs"): after a walk, what it proved is stored under the
 * cache root (collect.ts, store.ts); the next process takes the stored fingerprint when every
 * file hashes the same and every runtime value re-reads equal (check.ts), and walks otherwise.
 * Soundness argument: native-notes/persisted-fingerprints.md.
 */
import { sha256 } from '../../hash';
import type { Entity } from '../graph';
import { proofHolds } from './check';
import { Watch } from '../watch';
import { sourceState } from './sources';
import type * as Collect from './collect';
import { openProofFolder, proofsOpen, readProof, writeProof, PROOF_FORMAT, PROOF_FOLDER, type Proof } from './store';

export { PROOF_FOLDER };

let stampText: string | undefined;

/**
 * Everything a proof's fingerprint depends on besides what it checks: this format, the analysis
 * and digest code (smartcache's version and analysis format), Node (built-in names).
 */
function stamp(analysisFormat: number): string {
  if (stampText === undefined) {
    let version = 'unknown';
    try {
      version = (require('../../../package.json') as { version: string }).version;
    } catch {
      // Built elsewhere: the format numbers still separate incompatible proofs.
    }
    stampText = `smartcache-proof ${PROOF_FORMAT} smartcache@${version} analysis ${analysisFormat} node ${process.version}`;
  }
  return stampText;
}

function keyOf(text: string, analysisFormat: number): string {
  return sha256(`${stamp(analysisFormat)}\n${text}`);
}

export function openProofs(dir: string): void {
  openProofFolder(dir);
}

/** Proofs are read and written in this process (the cache layer opened them). */
export function proofsEnabled(): boolean {
  return proofsOpen();
}

export interface Reused {
  readonly fp: string;
  readonly reached: readonly string[];
  /** What the check read, for later calls to check again (../watch.ts). */
  readonly watch: Watch;
}

/**
 * The stored fingerprint of `fn` when its proof still holds, else undefined (walk). `file`: the
 * absolute file `fn` was cached in (registry.ts); the proof must have read its root there.
 */
export function reuseFingerprint(fn: Function, analysisFormat: number, file: string): Reused | undefined {
  if (!proofsOpen()) return undefined;
  try {
    const text = Function.prototype.toString.call(fn);
    const key = keyOf(text, analysisFormat);
    const proof = readProof(key, stamp(analysisFormat));
    const watch = Watch.empty();
    if (proof === undefined || !proofHolds(fn, text, proof, file, watch)) return undefined;
    watch.take();
    return { fp: proof.fp, reached: proof.reached, watch };
  } catch {
    return undefined;
  }
}

/** A proof collected from a walk, to write at exit. */
export interface PendingProof {
  readonly text: string;
  readonly proof: Proof;
}

/**
 * The proof of a walk just finished, when the graph allows one: collected now, while its
 * entities hold what this walk read (a later call may expand some of them again in place when
 * the program changes a value, ../watch.ts), written at exit (`writePendingProof`). Collecting
 * runs after a walk only: a process that reused every proof never loads it.
 */
export function collectFingerprintProof(fn: Function, root: Entity, fp: string, reached: readonly string[], file: string): PendingProof | undefined {
  if (!proofsOpen()) return undefined;
  const { collectProof } = require('./collect') as typeof Collect;
  const proof = collectProof(fn, root, fp, reached);
  // A root read from another file than the one it was cached in could never be reused.
  if (proof === undefined || (proof.modules.length > 0 && proof.modules[0]?.file !== file)) return undefined;
  return { text: Function.prototype.toString.call(fn), proof };
}

/**
 * Writes a collected proof, unless one of its files changed since it was collected: nothing is
 * saved from a process whose source files changed while it ran (a file edited after the walk
 * would otherwise be vouched for by a proof of the text that ran before).
 */
export function writePendingProof(pending: PendingProof, analysisFormat: number): void {
  if (!proofsOpen()) return;
  for (const m of pending.proof.modules) {
    const state = sourceState(m.file);
    if (state === undefined || !state.quiet || state.hash !== m.hash) return;
  }
  writeProof(keyOf(pending.text, analysisFormat), stamp(analysisFormat), pending.proof);
}
