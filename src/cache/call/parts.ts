import { types } from 'node:util';
import type { ResolvedOptions } from '../../options';
import type { RemoteTier } from '../../remote';
import type { FunctionStats } from '../accounting';
import { cacheFailure, ioCause } from '../fail-open';
import { InputTracker } from '../input-tracker';
import type { InputPlan, SelfMode, SlotPlan } from '../inputs';
import { MemoryLayer } from '../memory-layer';
import { type LogMode, remoteTier } from '../process';
import { MissReasons, unavailable } from '../reasons';
import { HitCheck } from './hit-check';
import { Outcomes } from './outcomes';
import type { IgnoredArgs } from '../../key';

/** What `cache()`, an annotation or `@cached` decided about a function, once its options are checked. */
export interface WrapPlan {
  readonly fn: Function;
  readonly name: string;
  /** Project-relative file of the function, for the FunctionRecord. */
  readonly file: string | undefined;
  readonly options: ResolvedOptions;
  readonly ignore: IgnoredArgs | undefined;
  readonly self: SelfMode;
  readonly log: LogMode;
  /** From an annotation: an unhashable argument runs the call uncached instead of throwing (unless `strict`). */
  readonly lenient: boolean;
}

/**
 * What one cached function is made of, fixed when it is wrapped: shared by its call path, its
 * setup and its control methods (`.has()`, `.clear()`...).
 */
export class FunctionParts implements SlotPlan {
  readonly name: string;
  readonly fn: Function;
  readonly file: string | undefined;
  readonly options: ResolvedOptions;
  readonly strict: boolean;
  readonly track: boolean;
  readonly lenient: boolean;
  readonly ttl: number | undefined;
  readonly log: LogMode;
  readonly logCalls: boolean;
  /** `this` as the plan says; 'auto' is decided on the first call (setup.ts). */
  readonly self: SelfMode;
  readonly plan: InputPlan;
  readonly memory: MemoryLayer | undefined;
  /** All-primitive arguments, no `key`/`dependsOn`/`ignore`: warm calls are found before any key is built. */
  readonly fast: boolean;
  readonly tracker: InputTracker;
  readonly check: HitCheck;
  readonly reasons: MissReasons;
  readonly outcomes: Outcomes;
  /** The team cache, when one is configured and the `remote` option allows it. */
  readonly remote: RemoteTier | undefined;
  /**
   * An `async function` always returns a promise, so a local miss can await the team cache
   * instead of blocking; any other function is looked up through the synchronous bridge.
   */
  readonly isAsync: boolean;

  constructor(wrap: WrapPlan) {
    const options = wrap.options;
    this.name = wrap.name;
    this.fn = wrap.fn;
    this.file = wrap.file;
    this.options = options;
    this.strict = options.strict;
    this.track = options.track;
    this.lenient = wrap.lenient;
    this.ttl = options.ttlMs;
    this.log = wrap.log;
    this.logCalls = wrap.log === 'calls';
    this.self = wrap.self;
    this.tracker = new InputTracker(wrap.name, options.track, wrap.fn);
    // `key` and `dependsOn` are the user's code: inside a tracked call, what they read counts for it.
    const { key, dependsOn } = options;
    this.plan = {
      key: key === undefined ? undefined : (...a: readonly unknown[]) => this.tracker.resume(() => key(...a)),
      ignore: wrap.ignore,
      dependsOn: dependsOn === undefined ? undefined : () => this.tracker.resume(dependsOn),
      selfLabel: wrap.self.kind === 'watch' ? 'watch()' : 'this',
    };
    const memory = options.memory;
    this.memory = memory.enabled && memory.maxEntries > 0 ? new MemoryLayer(memory.maxEntries, memory.maxBytes) : undefined;
    this.fast = this.memory !== undefined && this.plan.key === undefined && this.plan.dependsOn === undefined && this.plan.ignore === undefined;
    this.check = new HitCheck(this.ttl, this.tracker);
    this.reasons = new MissReasons(wrap.name);
    this.outcomes = new Outcomes(wrap.name, this.logCalls);
    // Created now, not on the first call: the worker loads the client meanwhile.
    this.remote = options.remote ? remoteTier() : undefined;
    this.isAsync = types.isAsyncFunction(wrap.fn);
  }

  /**
   * A read or write of the store failed: warned once per cause (thrown with `strict`), and never
   * the call's failure. The function's stats then skip their own warning, and later misses say why.
   */
  storeFailure(stats: FunctionStats, error: unknown): void {
    stats.storeFailed = true;
    this.reasons.unavailable = unavailable(error);
    cacheFailure(this.name, this.strict, ioCause(error), error);
  }
}
