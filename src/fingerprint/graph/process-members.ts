/**
 * Members of `process` that are Node's own machinery, by name. Code reading `process.nextTick` or
 * `process.stdout` counts that member by name (a built-in); data the program hangs on `process`
 * (`process.appConfig = JSON.parse(…)` in a setup file) is the program's and counts by value (by
 * name, an edit of the settings file was a stale hit). So do the members that describe the
 * machine and the Node build, `process.platform`, `arch`, `version`, `versions` and `release`:
 * by name, code branching on `process.platform` was served a result computed on another system
 * (the team cache between a Linux CI and a macOS laptop). The names are those Node 20 and Node 24
 * define (`Reflect.ownKeys(process)`), plus those Node adds for some runs (IPC, flags, the main
 * module). A member a later Node adds is read by value: a miss when it differs, never a stale hit.
 */
import { followPath } from './member-path';

const NODE_PROCESS_KEYS: ReadonlySet<string> = new Set([
  '_rawDebug', 'moduleLoadList', 'binding', '_linkedBinding',
  '_events', '_eventsCount', '_maxListeners', 'domain', '_exiting', 'exitCode', 'config', 'dlopen', 'uptime',
  '_getActiveRequests', '_getActiveHandles', 'getActiveResourcesInfo', 'reallyExit', '_kill', 'loadEnvFile', 'cpuUsage',
  'threadCpuUsage', 'resourceUsage', 'memoryUsage', 'constrainedMemory', 'availableMemory', 'kill', 'exit', 'execve',
  'ref', 'unref', 'finalization', 'hrtime', 'openStdin', 'getuid', 'geteuid', 'getgid', 'getegid', 'getgroups',
  'allowedNodeEnvironmentFlags', 'assert', 'features', '_fatalException', 'setUncaughtExceptionCaptureCallback',
  'hasUncaughtExceptionCaptureCallback', 'emitWarning', 'nextTick', '_tickCallback', 'sourceMapsEnabled',
  'setSourceMapsEnabled', 'getBuiltinModule', '_debugProcess', '_debugEnd', '_startProfilerIdleNotifier',
  '_stopProfilerIdleNotifier', 'stdout', 'stdin', 'stderr', 'abort', 'umask', 'chdir', 'cwd', 'initgroups', 'setgroups',
  'setegid', 'seteuid', 'setgid', 'setuid', 'env', 'title', 'argv', 'execArgv', 'pid', 'ppid', 'execPath', 'debugPort',
  'argv0', '_eval', '_preload_modules', 'report', 'mainModule', 'permission', 'channel', '_channel', 'connected', 'send',
  'disconnect', '_send', '_handleQueue', '_pendingMessage', 'noDeprecation', 'throwDeprecation', 'traceDeprecation',
  'traceProcessWarnings', 'noProcessWarnings', '_exiting', 'emit', 'on', 'once', 'off',
]);

/** True when `path` on `process` starts at a data member the program put there (not Node's). */
export function programProcessData(proc: object, path: readonly string[]): boolean {
  const head = path[0];
  if (head === undefined || NODE_PROCESS_KEYS.has(head) || !Object.prototype.hasOwnProperty.call(proc, head)) return false;
  const end = followPath(proc, [head]);
  return end.kind === 'value' || end.kind === 'accessor';
}
