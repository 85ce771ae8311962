/** `smartcache clear [name]`: remove every entry, or one function's. */
import type { Command } from 'commander';
import { DIR_FLAG, DIR_HELP, openStoreForChanges, usageError, type DirOption } from './context';
import { entries, formatBytes } from './format';
import type { Output } from './output';
import { createProgress } from './progress';

export function runClear(name: string | undefined, options: DirOption, out: Output): void {
  const store = openStoreForChanges(options);
  if (name !== undefined) {
    const { removed, bytes } = store.clearFunction(name);
    // Clearing nothing for a name the store has never heard of is almost always a typo.
    if (removed === 0 && store.readFunctionRecords(name).length === 0 && !store.readStats().has(name)) {
      throw usageError(`no cached function named "${name}" in ${store.root} (see smartcache ls)`);
    }
    out.line(`cleared ${name}: ${entries(removed)}, ${formatBytes(bytes)} freed`);
    return;
  }
  // The total costs a stat() per file: paid only when a bar is drawn.
  const progress = createProgress('clearing', out.interactive ? store.totalBytes() : 0, out.interactive);
  const { removed, bytes } = store.deleteWhere((e) => {
    progress.tick(e.bytes);
    return true;
  });
  progress.done();
  out.line(`cleared ${entries(removed)}, ${formatBytes(bytes)} freed from ${store.root}`);
}

export function registerClear(program: Command, out: Output): void {
  program
    .command('clear')
    .argument('[name]', 'only this function (as shown by smartcache ls)')
    .summary("remove all entries, or one function's")
    .description('remove all cached entries, or those of one function')
    .option(DIR_FLAG, DIR_HELP)
    .action((name: string | undefined, options: DirOption) => runClear(name, options, out));
}
