/**
 * What a proof records of each built-in its function reached (`parseInt`, `TextEncoder`,
 * `console.log`), and compares on reuse. The walk counts a built-in by its name only while the
 * name still holds JavaScript's or Node's own function (runtime/builtin-names.ts `isNodesOwn`);
 * a program may replace one between runs (`globalThis.fetch = mockFetch` under test, a
 * `structuredClone` polyfill loaded on a condition), and a proof that checked only that the name
 * exists served the result computed with the other function. The token tells them apart without
 * the inspector: native code by its name and arity, JavaScript (Node's own classes and functions)
 * by a hash of its text, anything else by its type.
 */
import { types } from 'node:util';
import { sha256 } from '../../hash';
import { patchOriginal } from '../../registry';

const toText = Function.prototype.toString;

function functionToken(fn: Function): string {
  // smartcache's own patches (the fs, env and clock hooks) stand for the function they replace.
  const subject = patchOriginal(fn) ?? fn;
  if (types.isProxy(subject)) return 'proxy';
  const text = toText.call(subject);
  if (text.endsWith('{ [native code] }')) return `native ${String(Reflect.getOwnPropertyDescriptor(subject, 'name')?.value)}/${subject.length}`;
  return `code ${sha256(text)}`;
}

/**
 * The token of the value at dotted path `label` from the global object, read as the program's
 * code reads it (getters run, as they do when the walk reads the binding). A proxy is not looked
 * into (`process.env` is smartcache's own; a program's proxy could record the read).
 */
export function builtinToken(label: string): string {
  let value: unknown = globalThis;
  for (const key of label.split('.')) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return `${typeof value} before .${key}`;
    if (types.isProxy(value)) return 'proxy';
    try {
      value = (value as Record<string, unknown>)[key];
    } catch {
      return 'throws';
    }
  }
  if (typeof value === 'function') return functionToken(value);
  if (typeof value === 'object' && value !== null) return types.isProxy(value) ? 'proxy' : 'object';
  return typeof value === 'number' ? `number ${String(value)}` : typeof value;
}
