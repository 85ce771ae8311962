/**
 * What `smartcache clear <target>` means: an exact function name; else, with glob characters, a
 * glob over names (`'report*'` matches the whole name, the name within its file (after the first
 * `#`: `K*` finds `app.js#K#inst` and `app.js#K.stat`) or the part after its last `#`, so
 * `report*` finds `src/report.js#reportTotals`); else a file, relative to the working directory,
 * standing for every cached function defined in it (found by the file its records name, or by
 * the file in its default name), whether or not the file still exists. When records of the same
 * name point at other files too (two packages of one workspace sharing a root: `index.js#build`
 * in each), only the entries of the fingerprints recorded for this file go.
 */
import path = require('node:path');
import type { Store } from '../store';
import { projectBase } from './function-files';
import { storeLibrary } from './context';
import { recordSource } from './record-source';

export interface ClearTarget {
  readonly kind: 'name' | 'glob' | 'file';
  readonly text: string;
  /** Whether the entry of the function named `name`, of code `fingerprint`, is to go. */
  matches(name: string, fingerprint: string): boolean;
}

const GLOB_CHARS = /[*?[]/;

/** `*` any run of characters, `?` one, `[abc]`/`[!abc]` a class; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/** The name within its file (after the first `#`) and the part after the last `#`. */
function shortNames(name: string): string[] {
  const first = name.indexOf('#');
  const last = name.lastIndexOf('#');
  if (first < 0) return [];
  return first === last ? [name.slice(first + 1)] : [name.slice(first + 1), name.slice(last + 1)];
}

export function resolveClearTarget(text: string, store: Store, cwd: string = process.cwd()): ClearTarget {
  const { fileFromName, groupRecords } = storeLibrary();
  const records = groupRecords(store.readFunctionRecords());
  if (records.has(text) || store.readStats().has(text)) return { kind: 'name', text, matches: (name) => name === text };
  if (GLOB_CHARS.test(text)) {
    const re = globToRegExp(text);
    return { kind: 'glob', text, matches: (name) => re.test(name) || shortNames(name).some((n) => re.test(n)) };
  }
  const wanted = path.resolve(cwd, text);
  const base = projectBase(store.root, cwd);
  const fileOf = new Map<string, readonly string[]>();
  // Both readings of where a function lives: the record's own (project + tree location) and the
  // project-relative file resolved against the base; either naming the file is a match.
  const filesOf = (name: string): readonly string[] => {
    let known = fileOf.get(name);
    if (known !== undefined) return known;
    const list = records.get(name) ?? [];
    const newest = list[0];
    const source = newest === undefined ? undefined : recordSource(newest);
    const file = list.find((r) => r.file !== undefined)?.file ?? fileFromName(name);
    known = [source, file === undefined ? undefined : path.resolve(base, file)].filter((f): f is string => f !== undefined);
    fileOf.set(name, known);
    return known;
  };
  const inFile = (name: string): boolean => filesOf(name).includes(wanted);
  /** Fingerprints this file's records hold, when records of `name` also point at another file. */
  const ownPrints = new Map<string, ReadonlySet<string> | undefined>();
  const sharedName = (name: string): ReadonlySet<string> | undefined => {
    if (ownPrints.has(name)) return ownPrints.get(name);
    const sources = (records.get(name) ?? []).map((r) => [r.fingerprint, recordSource(r)] as const);
    const elsewhere = sources.some(([, source]) => source !== undefined && source !== wanted);
    const mine = elsewhere ? new Set(sources.filter(([, source]) => source === wanted).map(([fp]) => fp)) : undefined;
    ownPrints.set(name, mine);
    return mine;
  };
  const byFile = [...records.keys()].some(inFile) || looksLikeFile(text);
  if (byFile) {
    return {
      kind: 'file',
      text,
      matches: (name, fingerprint) => {
        if (name === text) return true;
        const mine = sharedName(name);
        return mine === undefined ? inFile(name) : mine.has(fingerprint);
      },
    };
  }
  return { kind: 'name', text, matches: (name) => name === text };
}

/** A path the user typed: a separator or a source-file extension. */
function looksLikeFile(text: string): boolean {
  return text.includes('/') || text.includes(path.sep) || /\.(?:[cm]?[jt]sx?)$/.test(text);
}
