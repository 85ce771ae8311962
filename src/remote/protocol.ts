/** Messages between the main thread's bridge and the remote worker (plain, structured-cloneable). */
import type { MessagePort } from 'node:worker_threads';
import type { RemoteConfig } from './config';
import type { Rejection } from './connection';

export interface WorkerData {
  readonly config: RemoteConfig;
  readonly storeFormat: number;
  readonly state: Int32Array;
  /** The worker answers here; the main thread can read it synchronously (receiveMessageOnPort). */
  readonly replies: MessagePort;
}

export type Request =
  | { readonly t: 'get'; readonly id: number; readonly key: string; readonly sync: boolean }
  | {
      readonly t: 'put';
      readonly root: string;
      readonly key: string;
      readonly fn: string;
      readonly fingerprint: string;
      readonly expires: number | undefined;
    }
  | { readonly t: 'flush'; readonly id: number };

export type GetResult =
  /** `entry`: the verified entry file's bytes (its own ArrayBuffer, transferred). */
  | { readonly kind: 'hit'; readonly namespace: string; readonly entry: Uint8Array; readonly recordBytes: number; readonly rejected: readonly Rejection[] }
  | { readonly kind: 'miss'; readonly rejected: readonly Rejection[]; readonly tooLarge: number }
  | { readonly kind: 'failed'; readonly timeout: boolean; readonly message: string }
  /** The breaker is open: nothing was asked. */
  | { readonly kind: 'off' };

export type PutOutcome = 'stored' | 'exists' | 'too-large' | 'missing' | 'failed' | 'timeout' | 'denied' | 'dropped';

export type Reply =
  | { readonly t: 'got'; readonly id: number; readonly sync: boolean; readonly result: GetResult }
  | { readonly t: 'put'; readonly root: string; readonly outcome: PutOutcome; readonly bytes: number; readonly message?: string }
  | { readonly t: 'flushed'; readonly id: number }
  /** A failure outside any request (the connection opened at start). */
  | { readonly t: 'error'; readonly timeout: boolean; readonly message: string }
  /** The worker switched the remote off (the main thread warns once with this reason). */
  | { readonly t: 'off'; readonly reason: string };
