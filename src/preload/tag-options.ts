/**
 * Reading the `@cache` JSDoc tag: whether a comment holds it, and the `key=value` settings that may
 * follow it (`@cache ttl=1h ignore=log,2 version=2 name=x memory=false strict=true track=false remote=false dir=.cache`).
 * Only plain data can be said in a comment; `key` and `dependsOn` need the programmatic API.
 */
import { parseDuration } from '../units';

/** The subset of `CacheOptions` a tag can express; passed to the runtime as JSON. */
export interface TagOptions {
  name?: string;
  dir?: string;
  ttl?: string;
  ignore?: Array<string | number>;
  version?: string;
  memory?: boolean;
  strict?: boolean;
  track?: boolean;
  remote?: boolean;
}

export interface TagParse {
  readonly options: TagOptions;
  /** Problems to warn about, each naming the setting. */
  readonly warnings: string[];
  /** A setting was present but unusable: the function is left uncached (when in doubt, miss). */
  readonly invalid: boolean;
}

/** A block tag `@cache` at the start of a comment line (after the usual `*`), not `@cached`. */
const TAG = /^[ \t]*\*?[ \t]*@cache(?![\w$-])([^\n]*)/m;

export const KNOWN_TAG_OPTIONS = ['ttl', 'ignore', 'version', 'name', 'memory', 'strict', 'track', 'dir', 'remote'] as const;

/** The text after `@cache` on its line, or undefined when `commentValue` (without the delimiters) holds no tag. */
export function cacheTagText(commentValue: string): string | undefined {
  if (!commentValue.startsWith('*')) return undefined; // only JSDoc blocks: /** … */
  const match = TAG.exec(commentValue.slice(1));
  if (match === null) return undefined;
  return (match[1] ?? '').replace(/\*+\/?\s*$/, '').trim();
}

function unquote(raw: string): string {
  const first = raw[0];
  if ((first === '"' || first === "'") && raw.endsWith(first) && raw.length >= 2) return raw.slice(1, -1);
  return raw;
}

function parseBoolean(value: string): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Splits `a=1 b="x y" c` into settings; quoted values may hold spaces. */
function settings(text: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  const re = /([^\s=]+)(?:=("[^"]*"|'[^']*'|\S*))?/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push([m[1] ?? '', m[2] === undefined ? undefined : unquote(m[2])]);
  return out;
}

export function parseTagOptions(text: string): TagParse {
  const options: TagOptions = {};
  const warnings: string[] = [];
  let invalid = false;
  const bad = (key: string, value: string | undefined, expected: string): void => {
    warnings.push(`@cache ${key}=${value ?? ''} is not valid (expected ${expected}); the function is left uncached`);
    invalid = true;
  };
  for (const [key, value] of settings(text)) {
    switch (key) {
      case 'ttl':
        if (value === undefined || parseDuration(value) === undefined) bad(key, value, "a duration like 90s, 10m, 1h, 7d");
        else options.ttl = value;
        break;
      case 'ignore': {
        const items = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (items.length === 0) bad(key, value, 'parameter names or positions, comma-separated');
        else options.ignore = items.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        break;
      }
      case 'version':
      case 'name':
      case 'dir':
        if (value === undefined || value === '') bad(key, value, 'a value');
        else options[key] = value;
        break;
      case 'memory':
      case 'strict':
      case 'track':
      case 'remote': {
        const flag = value === undefined ? undefined : parseBoolean(value);
        if (flag === undefined) bad(key, value, 'true or false');
        else options[key] = flag;
        break;
      }
      default:
        warnings.push(`unknown @cache option "${key}" ignored (known: ${KNOWN_TAG_OPTIONS.join(', ')})`);
    }
  }
  return { options, warnings, invalid };
}
