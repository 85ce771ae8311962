/**
 * `smartcache explain`: what the latest stored entry of a function read from outside its code
 * (src/inputs: files, listings, existence and stat checks), read from the store without running
 * anything. Variables the code names are part of the stored tree already (`(env) NAME` nodes);
 * those read while the call ran (by a package, by computed name) are listed here.
 */
import { ENV_LISTING, envLabel, type Manifest } from '../tracking';
import type { Store } from '../store';
import { openEnvelope } from '../cache';

/** The manifest of the function's most recently created entry, if it read anything. */
export function latestInputs(store: Store, name: string): Manifest | undefined {
  let latest: { key: string; created: number } | undefined;
  try {
    for (const e of store.entries()) {
      if (e.meta.fn !== name) continue;
      if (latest === undefined || e.meta.created > latest.created) latest = { key: e.key, created: e.meta.created };
    }
    if (latest === undefined) return undefined;
    const read = store.read(latest.key);
    return read === undefined ? undefined : openEnvelope(read.value)?.manifest;
  } catch {
    return undefined; // Display only: an unreadable store shows no inputs.
  }
}

/** One line per recorded input, as `explain` prints them. */
export function inputLines(m: Manifest): string[] {
  const out: string[] = [];
  for (const f of m.files ?? []) out.push(`file ${f.path}${f.hash === 'absent' ? ' (absent)' : ''}`);
  for (const l of m.lists ?? []) out.push(`${l.recursive ? 'tree' : 'listing'} ${l.path} (${l.names === 'absent' ? 'absent' : `${l.count} names`})`);
  for (const e of m.exists ?? []) out.push(`exists ${e.path} (${String(e.exists)})`);
  for (const a of m.access ?? []) out.push(`access ${a.path} (${a.result})`);
  for (const s of m.stats ?? []) out.push(`${s.link === true ? 'lstat' : 'stat'} ${s.path} (${s.state.split(':')[0] ?? s.state})`);
  for (const v of m.env ?? []) {
    if (v.name === ENV_LISTING) out.push('env (the names of all variables: the call listed them)');
    else if (v.name.startsWith('=')) out.push(envLabel(v.name));
    else out.push(`env ${v.name} (${v.value === 'unset' ? 'unset' : 'set'})`);
  }
  for (const o of m.opaque ?? []) out.push(`unchecked ${o} (the entry never hits)`);
  if (m.cwd !== undefined) out.push(`working directory ${m.cwd === '.' ? '(project root)' : m.cwd}`);
  return out;
}
