/**
 * Is this function text a top-level declaration of that CommonJS or ES module file? If so, its
 * `[[Scopes]]` are the module's (the wrapper's closure or the `Module` scope, then the global
 * ones), already known from any other
 * function of the module: the walk can skip the inspector for it (native-notes/inspector-cost.md:
 * `Runtime.getProperties` is most of a fingerprint's cost).
 *
 * Conservative by construction; the answer is yes only when all of these hold:
 * - the text occurs exactly once in the file, as loaded (a file edited since no longer matches);
 * - it starts a line, as `function name`/`async function name`, or after `const name = `
 *   (either after `export `);
 * - one scan of the file (strings, templates, comments and regular expressions skipped) finds
 *   that line starting at brace depth 0; the scan stops at its first doubt (a `/` it cannot
 *   classify), and no line after that point counts as top level.
 * The caller adds the last checks: the module scope's binding `name` is this very function, and
 * every free name of the function resolves through the module scope or the global object.
 */
import fs = require('node:fs');

interface Scanned {
  readonly text: string;
  /** Offsets of line starts at brace depth 0, outside strings, templates and comments. */
  readonly topLines: ReadonlySet<number>;
  /** Answers already given, by function text (each function is asked about once). */
  readonly answers: Map<string, boolean>;
}

const files = new Map<string, Scanned | null>();

function scanned(file: string): Scanned | null {
  let entry = files.get(file);
  if (entry === undefined) {
    try {
      const text = fs.readFileSync(file, 'utf8');
      entry = { text, topLines: topLevelLines(text), answers: new Map() };
    } catch {
      entry = null;
    }
    files.set(file, entry);
  }
  return entry;
}

const REGEX_AFTER = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_AFTER_WORDS = /(?:^|[^\w$])(return|typeof|case|do|else|in|of|new|delete|void|throw|instanceof|yield|await)$/;

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95 || code > 127;
}

function skipString(src: string, i: number, quote: string): number {
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === quote) return j;
    else if (c === '\n') return -1;
  }
  return -1;
}

function skipRegex(src: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '\n') return -1;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let k = j + 1;
      while (k < src.length && isWordChar(src.charCodeAt(k))) k++;
      return k - 1;
    }
  }
  return -1;
}

/**
 * One pass over the file: the line starts met at brace depth 0 in plain code. At the first
 * doubt (a `/` that is neither a comment, a division nor a regular expression it can read, an
 * unterminated string) the scan stops: later lines are simply not known to be top level.
 */
function topLevelLines(src: string): Set<number> {
  const lines = new Set<number>();
  // Each frame: a code block depth counter, or a template literal being read.
  const frames: Array<{ template: boolean; depth: number }> = [{ template: false, depth: 0 }];
  let last = ''; // last significant code character ('a' for a word), for the regex/division question
  let i = src.startsWith('#!') ? src.indexOf('\n') : 0;
  if (i < 0) return lines;
  if (i === 0) lines.add(0);
  for (; i < src.length; i++) {
    const frame = frames[frames.length - 1] as { template: boolean; depth: number };
    const c = src[i] as string;
    if (frame.template) {
      if (c === '\\') i++;
      else if (c === '`') frames.pop();
      else if (c === '$' && src[i + 1] === '{') {
        frames.push({ template: false, depth: 0 });
        i++;
      }
      continue;
    }
    if (c === '\n') {
      if (frames.length === 1 && frame.depth === 0) lines.add(i + 1);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '"' || c === "'") {
      i = skipString(src, i, c);
      if (i < 0) return lines;
      last = 'a';
    } else if (c === '`') {
      frames.push({ template: true, depth: 0 });
      last = 'a';
    } else if (c === '/' && src[i + 1] === '/') {
      // Stop before the newline so that the next line start is recorded.
      const nl = src.indexOf('\n', i);
      if (nl < 0) return lines;
      i = nl - 1;
    } else if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) return lines;
      // A line that starts inside a block comment is not a code line.
      i = close + 1;
    } else if (c === '/') {
      const regex = last === '' || REGEX_AFTER.has(last) || (last === 'a' && REGEX_AFTER_WORDS.test(src.slice(Math.max(0, i - 12), i).trimEnd()));
      if (regex) {
        i = skipRegex(src, i);
        if (i < 0) return lines;
        last = 'a';
      } else if (last === ')' || last === ']' || last === 'a') last = '/';
      else return lines;
    } else if (c === '{') {
      frame.depth++;
      last = c;
    } else if (c === '}') {
      if (frame.depth === 0) {
        if (frames.length === 1) return lines;
        frames.pop(); // end of a `${...}`: back in the template
      } else frame.depth--;
      last = c;
    } else last = isWordChar(src.charCodeAt(i)) ? 'a' : c;
  }
  return lines;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** True when `text` (named `name`) is a top-level function of `file` (see the file comment). */
export function isTopLevelFunction(file: string, name: string, text: string): boolean {
  if (name === '' || !IDENTIFIER.test(name)) return false;
  const entry = scanned(file);
  if (entry === null) return false;
  const key = `${name}\u0000${text}`;
  let answer = entry.answers.get(key);
  if (answer === undefined) {
    answer = check(entry, name, text);
    entry.answers.set(key, answer);
  }
  return answer;
}

function check(entry: Scanned, name: string, text: string): boolean {
  const src = entry.text;
  const at = src.indexOf(text);
  if (at < 0 || src.indexOf(text, at + 1) >= 0) return false;
  const lineStart = src.lastIndexOf('\n', at - 1) + 1;
  if (!entry.topLines.has(lineStart)) return false;
  // `export` binds the same module-scope name in an ES module (it is a syntax error elsewhere).
  const prefix = src.slice(lineStart, at).replace(/^export /, '');
  if (prefix === `const ${name} = `) return true;
  return prefix === '' && declares(text, name);
}

/** `text` starts as the declaration `[async] function [*] name (`. */
function declares(text: string, name: string): boolean {
  let rest = text;
  if (rest.startsWith('async')) rest = rest.slice(5).trimStart();
  if (!rest.startsWith('function')) return false;
  rest = rest.slice(8).trimStart();
  if (rest.startsWith('*')) rest = rest.slice(1).trimStart();
  if (!rest.startsWith(name)) return false;
  return rest.slice(name.length).trimStart().startsWith('(');
}
