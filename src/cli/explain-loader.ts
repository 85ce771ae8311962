/**
 * How the `explain --live` child loads the user's file: with the preload, and with tsx first when
 * the file is TypeScript or when the user runs their code through tsx (NODE_OPTIONS). Order
 * matters: tsx must transpile before the preload reads the code (`--import tsx --import
 * smartcache/register`, the order the README gives), so both go on the child's command line,
 * in that order, and are taken out of the NODE_OPTIONS it inherits.
 */
import { createRequire } from 'node:module';
import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { usageError } from './context';
import { isEsmFile } from './module-kind';

const DIST = path.resolve(__dirname, '..');
const TS_FILE = /\.(?:[cm]?ts|tsx)$/;
/** `--import tsx`, `--require=tsx/cjs`, `--loader tsx/esm`... in NODE_OPTIONS. */
const TSX_OPTION = /(?:^|\s)--(?:import|require|loader|experimental-loader)(?:=|\s+)(['"]?)tsx(?:\/[\w/.-]*)?\1(?=\s|$)/g;
/** The preload itself: the child adds its own, once. */
const REGISTER_OPTION = /(?:^|\s)--(?:import|require|r)(?:=|\s+)(['"]?)[^\s'"]*smartcache\/register(?:\.m?js)?\1(?=\s|$)/g;

export interface ChildLaunch {
  /** Node flags before the child script. */
  readonly flags: readonly string[];
  /** NODE_OPTIONS for the child, without what `flags` now carries (undefined: unset). */
  readonly nodeOptions: string | undefined;
}

/** tsx as the user's project resolves it (the version they run with), else our own, else none. */
export function resolveTsx(from: readonly string[]): string | undefined {
  for (const dir of [...from, DIST]) {
    try {
      return createRequire(path.join(dir, 'noop.js')).resolve('tsx');
    } catch {
      // not installed there
    }
  }
  return undefined;
}

export function childLaunch(target: string, projectDir: string, env: NodeJS.ProcessEnv = process.env): ChildLaunch {
  const inherited = env['NODE_OPTIONS'];
  const viaTsx = TS_FILE.test(target) || (inherited !== undefined && TSX_OPTION.test(inherited));
  TSX_OPTION.lastIndex = 0;
  const cleaned = inherited?.replace(TSX_OPTION, ' ').replace(REGISTER_OPTION, ' ').replace(/\s+/g, ' ').trim();
  const nodeOptions = cleaned === undefined || cleaned === '' ? undefined : cleaned;
  if (!viaTsx) {
    const flags = isEsmFile(target)
      ? ['--import', pathToFileURL(path.join(DIST, 'preload', 'register.mjs')).href]
      : ['--require', path.join(DIST, 'preload', 'register.js')];
    return { flags, nodeOptions };
  }
  const tsx = resolveTsx([path.dirname(target), projectDir, process.cwd()]);
  if (tsx === undefined) throw usageError(`explain --live of ${path.basename(target)} loads it through tsx, which is not installed in its project (npm install --save-dev tsx)`);
  return { flags: ['--import', pathToFileURL(tsx).href, '--import', pathToFileURL(path.join(DIST, 'preload', 'register.mjs')).href], nodeOptions };
}
