/**
 * The `smartcache` command line: one commander program, one file per command. Every failure ends
 * as ONE line on stderr (`smartcache: …`) and a non-zero exit: 2 for bad input (unknown command,
 * bad option value, missing file or root), 1 for anything else.
 */
import { Command, CommanderError } from 'commander';
import { describeError, isSmartCacheError } from '../errors';
import { registerAttach } from './attach';
import { registerClear } from './clear';
import { registerExplain } from './explain';
import { registerLs } from './ls';
import { createOutput, type Output } from './output';
import { registerPrune } from './prune';
import { registerRemote } from './remote';
import { registerStats } from './stats';

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** Commander's messages may span lines ("(Did you mean ls?)"); ours never do. */
function oneLine(message: string): string {
  return message
    .replace(/^error:\s*/i, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

function version(): string {
  try {
    return (require('../../package.json') as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(out: Output): Command {
  const program = new Command('smartcache');
  program
    .description('inspect and maintain the smartcache result cache')
    .version(version(), '-V, --version')
    .configureOutput({ outputError: (str, write) => write(`smartcache: ${oneLine(str)}\n`) })
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  registerLs(program, out);
  registerExplain(program, out);
  registerClear(program, out);
  registerPrune(program, out);
  registerStats(program, out);
  registerAttach(program, out);
  registerRemote(program, out);
  program.addHelpText(
    'after',
    `
Examples:
  smartcache ls
  smartcache explain src/report.js#build --diff
  smartcache explain src/report.js --html graph.html
  smartcache prune --max-size 1G --older-than 30d
  smartcache attach 127.0.0.1:9229
  smartcache remote check
  smartcache push
  smartcache pull src/report.js#build

Every command takes --dir <path>; the default root is SMARTCACHE_DIR, else
node_modules/.cache/smartcache of the nearest package.json, else ./.smartcache
(~/.cache/smartcache when others may write the working directory).
Output has no colours when it is not a terminal or when NO_COLOR is set.`,
  );
  return program;
}

/** Runs the CLI and resolves to the exit code (main sets process.exitCode; tests need not exit). */
/** Commander answers a missing (sub)command with the whole help on stderr; ours is one line. */
function missingCommand(argv: readonly string[]): string | undefined {
  const asksHelp = argv.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version');
  if (asksHelp) return undefined;
  if (argv.length === 0) return 'missing command: ls, explain, clear, prune, stats, attach, push, pull or remote (see smartcache --help)';
  if (argv[0] === 'remote' && argv.slice(1).every((a) => a.startsWith('-'))) return 'remote: missing subcommand: check (see smartcache remote --help)';
  return undefined;
}

export async function runCli(argv: readonly string[], out: Output = createOutput()): Promise<number> {
  const missing = missingCommand(argv);
  if (missing !== undefined) {
    out.warn(`smartcache: ${missing}`);
    return EXIT_USAGE;
  }
  const program = buildProgram(out);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are normal exits; commander already printed the message.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isSmartCacheError(error) && error.code === 'ERR_USAGE') {
      out.warn(`smartcache: ${oneLine(error.message)}`);
      return EXIT_USAGE;
    }
    out.warn(`smartcache: ${oneLine(describeError(error))}`);
    return EXIT_FAILURE;
  }
}
