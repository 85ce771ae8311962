/** `explain --diff` in the terminal: one status line per function, what changed, and the code. */
import type { CodeChange, FunctionDiff, LastChange } from './explain-diff';
import { isoTime, shortHash } from './format';
import { compactDiff, diffLines } from './line-diff';
import type { Output } from './output';

/** Past this many lines a code diff is cut (the HTML page shows it whole). */
const MAX_DIFF_LINES = 60;

function printCode(c: CodeChange, indent: string, out: Output): void {
  if (c.before === undefined && c.after === undefined) return;
  const { style } = out;
  const where = c.location === undefined ? '' : ` ${style.cyan(c.location)}`;
  const title = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'code';
  out.line(`${indent}${style.dim(`${title} of`)} ${style.bold(c.name)}${where}:`);
  const lines = compactDiff(diffLines(c.before ?? '', c.after ?? ''));
  for (const l of lines.slice(0, MAX_DIFF_LINES)) {
    if (l === '…') out.line(`${indent}  ${style.dim('…')}`);
    else if (l.op === '-') out.line(`${indent}  ${style.red(`- ${l.text}`)}`);
    else if (l.op === '+') out.line(`${indent}  ${style.green(`+ ${l.text}`)}`);
    else out.line(`${indent}    ${l.text}`);
  }
  if (lines.length > MAX_DIFF_LINES) out.line(`${indent}  ${style.dim(`… ${lines.length - MAX_DIFF_LINES} more lines (--html shows them all)`)}`);
}

function printLast(last: LastChange, out: Output): void {
  out.line(`  ${out.style.dim(`last recorded change, ${isoTime(last.at)} (fingerprint ${shortHash(last.from)} → ${shortHash(last.to)}):`)}`);
  for (const change of last.changes) out.line(`    - ${change}`);
  for (const c of last.code) printCode(c, '      ', out);
}

export function printDiff(d: FunctionDiff, out: Output): void {
  const { style } = out;
  const name = style.bold(d.name);
  if (d.status === 'never-stored') {
    out.line(`${name}: nothing stored yet (fingerprint ${shortHash(d.current)})`);
    return;
  }
  const since = isoTime(d.storedAt);
  if (d.status === 'unchanged') {
    const how = d.mode === 'live' ? `fingerprint ${shortHash(d.current)}` : `fingerprint ${shortHash(d.stored)}; its source files are as they were`;
    out.line(`${name}: ${style.green('unchanged')} since ${since} (${how})`);
  } else if (d.status === 'changed') {
    const how = d.mode === 'live' ? `fingerprint ${shortHash(d.stored)} → ${shortHash(d.current)}` : `stored fingerprint ${shortHash(d.stored)}; found by reading the source, nothing was run`;
    out.line(`${name}: ${style.yellow('changed')} since ${since} (${how})`);
    for (const change of d.changes) out.line(`  - ${change}`);
    for (const c of d.code) printCode(c, '    ', out);
  } else {
    const files = d.edited.length === 0 ? '' : ` (${d.edited.join(', ')} edited)`;
    const verdict = d.uncompared === true ? 'its code is not compared without running (see the note)' : "no function's code changed";
    out.line(`${name}: ${style.yellow('source edited')} since ${since}${files}, ${verdict} (stored fingerprint ${shortHash(d.stored)})`);
  }
  if (d.note !== undefined && d.note !== '') out.line(`  ${style.dim(`note: ${d.note}`)}`);
  if (d.last !== undefined) printLast(d.last, out);
}
