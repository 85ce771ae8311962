/**
 * Phase 5, persisted fingerprints ("proofs"): after a walk, what it proved is stored under the
 * cache root (collect.ts, store.ts); the next process takes the stored fingerprint when every
 * file hashes the same and every runtime value re-reads equal (check.ts), and walks otherwise.
 * Soundness argument: native-notes/persisted-fingerprints.md.
 */
import { sha256 } from '../../hash';
import type { Entity } from '../graph';
import { proofHolds } from './check';
import type * as Collect from './collect';
import { openProofFolder, proofsOpen, readProof, writeProof, PROOF_FORMAT, PROOF_FOLDER } from './store';

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
    if (proof === undefined || !proofHolds(fn, text, proof, file)) return undefined;
    return { fp: proof.fp, reached: proof.reached };
  } catch {
    return undefined;
  }
}

/** Writes the proof of one finished walk, when the graph allows one (at exit). */
export function saveFingerprint(fn: Function, root: Entity, fp: string, reached: readonly string[], analysisFormat: number, file: string): void {
  if (!proofsOpen()) return;
  // Collecting runs after a walk only (at exit): a process that reused every proof never loads it.
  const { collectProof } = require('./collect') as typeof Collect;
  const proof = collectProof(fn, root, fp, reached);
  // A root read from another file than the one it was cached in could never be reused.
  if (proof === undefined || (proof.modules.length > 0 && proof.modules[0]?.file !== file)) return;
  const text = Function.prototype.toString.call(fn);
  writeProof(keyOf(text, analysisFormat), stamp(analysisFormat), proof);
}
