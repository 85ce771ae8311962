/** `smartcache clear [name|file|glob]`: remove every entry, or those of the matching functions. */
import fs = require('node:fs');
import path = require('node:path');
import type { Command } from 'commander';
import { resolveClearTarget } from './clear-target';
import { DIR_FLAG, DIR_HELP, openStoreForChanges, usageError, type DirOption } from './context';
import { entries, formatBytes, plural } from './format';
import type { Output } from './output';
import { createProgress } from './progress';

export function runClear(target: string | undefined, options: DirOption, out: Output): void {
  const store = openStoreForChanges(options, out);
  if (store === undefined) return;
  // Freed space as `du` sees it: entry blocks plus the fan-out folders the clear emptied.
  const before = store.diskUsage().total;
  if (target !== undefined) {
    const match = resolveClearTarget(target, store);
    const names = new Set<string>();
    const { removed } = store.deleteWhere((e) => {
      if (!match.matches(e.meta.fn, e.meta.fingerprint)) return false;
      names.add(e.meta.fn);
      return true;
    }, false); // damaged entries name no function: they are not this target's to count or remove
    const freed = Math.max(0, before - store.diskUsage().total);
    if (match.kind === 'name') {
      // Clearing nothing for a name the store has never heard of is almost always a typo.
      if (removed === 0 && store.readFunctionRecords(target).length === 0 && !store.readStats().has(target)) {
        throw usageError(`no cached function, file or glob matching "${target}" in ${store.root} (see smartcache ls)`);
      }
      out.line(`cleared ${target}: ${entries(removed)}, ${formatBytes(freed)} freed`);
      return;
    }
    // A file that does not exist and names no cached function is a typo, like an unknown name.
    if (match.kind === 'file' && names.size === 0 && !fs.existsSync(path.resolve(target))) {
      throw usageError(`no cached function, file or glob matching "${target}" in ${store.root} (see smartcache ls)`);
    }
    const what = match.kind === 'file' ? `functions of ${target}` : `functions matching ${target}`;
    const list = names.size === 0 ? '' : ` (${[...names].sort().join(', ')})`;
    out.line(`cleared ${plural(names.size, 'function')} ${match.kind === 'file' ? `of ${target}` : `matching ${target}`}${list}: ${entries(removed)}, ${formatBytes(freed)} freed`);
    if (names.size === 0) out.warn(`smartcache: no cached ${what} in ${store.root}`);
    return;
  }
  // The total costs a stat() per file: paid only when a bar is drawn.
  const progress = createProgress('clearing', out.interactive ? store.totalBytes() : 0, out.interactive);
  const { removed } = store.deleteWhere((e) => {
    progress.tick(e.bytes);
    return true;
  });
  progress.done();
  const freed = Math.max(0, before - store.diskUsage().total);
  out.line(`cleared ${entries(removed)}, ${formatBytes(freed)} freed from ${store.root}`);
}

export function registerClear(program: Command, out: Output): void {
  program
    .command('clear')
    .argument('[target]', "only these functions: an exact name (as smartcache ls shows it), a file relative to the working directory (every cached function of that file), or a glob over names ('report*')")
    .summary("remove all entries, or those of a function, a file or a glob")
    .description("remove all cached entries, or those of the matching functions: an exact name, a file (every cached function defined in it), or a glob over names ('report*' matches whole names and the part after '#')")
    .option(DIR_FLAG, DIR_HELP)
    .addHelpText('after', `
Examples:
  smartcache clear                     everything
  smartcache clear 'src/report.js#build'
  smartcache clear src/report.js       every cached function of that file
  smartcache clear 'report*'           quote globs so the shell leaves them alone`)
    .action((target: string | undefined, options: DirOption) => runClear(target, options, out));
}
