/**
 * Where the CLI writes and whether it may decorate: colours only on a TTY and never when
 * NO_COLOR is set to a non-empty value (https://no-color.org), so piped output stays plain text
 * that scripts and tests can read.
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

export interface Output {
  readonly style: Style;
  /** True when stderr is an interactive terminal: progress bars go there. */
  readonly interactive: boolean;
  line(text?: string): void;
  warn(text: string): void;
}

interface TtyLike {
  readonly isTTY?: boolean;
  write(chunk: string): boolean;
}

export const plainStyle: Style = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
  cyan: (t) => t,
};

function sgr(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const ansi: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
  cyan: sgr(36, 39),
};

export function colorAllowed(stream: TtyLike, env: NodeJS.ProcessEnv = process.env): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export function createOutput(stdout: TtyLike = process.stdout, stderr: TtyLike = process.stderr): Output {
  return {
    style: colorAllowed(stdout) ? ansi : plainStyle,
    interactive: stderr.isTTY === true && process.env['TERM'] !== 'dumb',
    line: (text = '') => void stdout.write(`${text}\n`),
    warn: (text) => void stderr.write(`${text}\n`),
  };
}

const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

/** Printed width of a string, ignoring colour codes. */
export function visibleLength(text: string): number {
  return text.replace(ANSI_PATTERN, '').length;
}
