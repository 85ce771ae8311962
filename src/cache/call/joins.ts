import type { Snapshot } from '../../store';
import type { Manifest } from '../../tracking';

/** The outcome of an async computation (or team cache lookup) that identical calls share. */
export interface Settled {
  readonly value: unknown;
  /** The independent copy each joined caller reads its own value from (undefined: not storable). */
  readonly snapshot: Snapshot | undefined;
  readonly computeMs: number;
  readonly manifest: Manifest | undefined;
}

const valueOf = (s: Settled): unknown => s.value;

/**
 * Identical async calls of one function in this process, while one of them runs: a call that
 * finds its key here waits for that one instead of computing again (the call path's `join`).
 * Other processes are another matter (claims.ts).
 */
export class Joins {
  private readonly running = new Map<string, Promise<Settled>>();

  get(key: string): Promise<Settled> | undefined {
    return this.running.get(key);
  }

  /** Identical calls join `shared` until it settles; returns the caller's own value. */
  share(key: string, shared: Promise<Settled>): Promise<unknown> {
    this.running.set(key, shared);
    const done = (): void => this.close(key, shared);
    shared.then(done, done);
    return shared.then(valueOf);
  }

  /** `shared` takes no more joiners (a computation that follows it registers its own). */
  close(key: string, shared: Promise<Settled>): void {
    if (this.running.get(key) === shared) this.running.delete(key);
  }
}
