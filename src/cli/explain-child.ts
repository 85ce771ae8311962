/**
 * Runs INSIDE the child process that `smartcache explain` starts with the preload, so the user's
 * file is loaded exactly as `node --require smartcache/register` would load it. It records every
 * cache wrapper created while the file loads, keeps those defined in that file, and writes their
 * explain() trees as JSON to the path given. The CLI process itself never runs user code.
 *
 * argv: <target file (absolute)> <result file> [name filter]
 */
import fs = require('node:fs');
import path = require('node:path');
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Explanation } from '../explanation';
import { onWrapperRegistered, unwrap, type WrappedInfo } from '../registry';
import { projectRelative } from '../project';
import type { ChildResult, ExplainedFunction } from './explain-types';
import { isEsmFile } from './module-kind';

interface Seen {
  readonly wrapper: Function;
  readonly info: WrappedInfo;
  /** File that created the wrapper, from the info or from the stack at creation. */
  readonly origin: string | undefined;
}

interface WrapperMethods {
  explain?: () => Explanation;
  fingerprint?: () => string;
}

const DIST = path.resolve(__dirname, '..');
/**
 * Where dist's source maps point: a loader that enables source maps (tsx) names our own frames
 * by their TypeScript sources, which are then no user's module either.
 */
const OWN_SOURCES = path.resolve(DIST, '..', 'src');

function toPath(location: string): string {
  return location.startsWith('file://') ? fileURLToPath(location) : location;
}

/** The first stack frame outside smartcache and Node's internals: the user's module. */
function originFromStack(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^()]*?):\d+:\d+\)?\s*$/.exec(line.trim());
    if (m?.[1] === undefined) continue;
    const file = toPath(m[1]);
    if (file.startsWith(DIST + path.sep) || file.startsWith(OWN_SOURCES + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return file;
  }
  return undefined;
}

function siteFile(info: WrappedInfo): string | undefined {
  const site = (info as { site?: { file?: unknown } }).site;
  return typeof site?.file === 'string' ? toPath(site.file) : undefined;
}

function capture(wrapper: Function, info: WrappedInfo): Seen {
  let origin = siteFile(info);
  if (origin === undefined) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 60;
    origin = originFromStack(new Error().stack);
    Error.stackTraceLimit = limit;
  }
  return { wrapper, info, origin };
}

function realpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function aliasesOf(seen: Seen): string[] {
  const site = (seen.info as { site?: { qualifiedName?: unknown } }).site;
  const names = [unwrap(seen.wrapper).name, typeof site?.qualifiedName === 'string' ? site.qualifiedName : '', seen.info.name.split(/[#:]/).pop() ?? ''];
  return [...new Set(names.filter((n) => n !== '' && n !== seen.info.name))];
}

function explainOne(seen: Seen, file: string): ExplainedFunction {
  const methods = seen.wrapper as unknown as WrapperMethods;
  if (typeof methods.explain !== 'function') throw new Error(`the wrapper of ${seen.info.name} has no explain()`);
  const explanation = methods.explain();
  const fingerprint = typeof methods.fingerprint === 'function' ? methods.fingerprint() : explanation.root.fingerprint;
  return { name: seen.info.name, aliases: aliasesOf(seen), file, fingerprint, explanation, ...(seen.info.local === true ? { local: true } : {}) };
}

/** `total`, `file.js#total`, `Shape.area` and `Shape#area` all name `file.js#Shape#area`-style identities. */
function matches(seen: Seen, filter: string | undefined): boolean {
  if (filter === undefined || seen.info.name === filter || aliasesOf(seen).includes(filter)) return true;
  const dotted = (name: string): string => name.replace(/#/g, '.');
  return dotted(seen.info.name).endsWith(`.${dotted(filter)}`);
}

/**
 * One per wrapper, where it was first registered, under the name it was last registered with:
 * a decorated method's stand-in is registered at class definition (`file#area`) and again, once
 * its class is known from a first `this`, as `file#Shape#area`.
 */
function latestNames(all: readonly Seen[]): Seen[] {
  const byWrapper = new Map<Function, Seen>();
  for (const s of all) {
    const first = byWrapper.get(s.wrapper);
    byWrapper.set(s.wrapper, first === undefined ? s : { ...first, info: s.info });
  }
  return [...byWrapper.values()];
}

/**
 * One per identity: the preload registers a lazy stand-in at load and, on the first call, the
 * real wrapper it delegates to; both carry the same name, and the first one answers for both.
 */
function firstPerName(all: readonly Seen[]): Seen[] {
  const byName = new Map<string, Seen>();
  for (const s of all) if (!byName.has(s.info.name)) byName.set(s.info.name, s);
  return [...byName.values()];
}

async function load(target: string): Promise<void> {
  if (isEsmFile(target)) await import(pathToFileURL(target).href);
  else require(target);
}

async function main(): Promise<ChildResult> {
  const [target, , filter] = process.argv.slice(2);
  if (target === undefined) return { ok: false, error: 'explain child: no file given' };
  const seen: Seen[] = [];
  const stop = onWrapperRegistered((wrapper, info) => seen.push(capture(wrapper, info)));
  try {
    await load(target);
  } catch (error) {
    return { ok: false, error: `cannot load ${target}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  } finally {
    stop();
  }
  const wanted = realpath(target);
  const own = firstPerName(latestNames(seen).filter((s) => s.origin !== undefined && realpath(s.origin) === wanted));
  const file = projectRelative(wanted);
  return {
    ok: true,
    available: own.map((s) => ({ name: s.info.name, aliases: aliasesOf(s) })),
    functions: own.filter((s) => matches(s, filter)).map((s) => explainOne(s, file)),
  };
}

function finish(result: ChildResult): void {
  const out = process.argv[3];
  if (out !== undefined) fs.writeFileSync(out, JSON.stringify(result));
  // The user's module may hold the event loop open (servers, timers): we have what we came for.
  process.exit(result.ok ? 0 : 3);
}

main().then(finish, (error: unknown) => finish({ ok: false, error: `explain failed: ${error instanceof Error ? error.message : String(error)}` }));
