import { redact, type RemoteConfig } from './config';

/** How failures of the server are told apart and described, without loading the Redis client. */

/** The server refused a command for this user (ACL `NOPERM`, `WRONGPASS`, `NOAUTH`). */
export function isDenied(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /^(NOPERM|WRONGPASS|NOAUTH)\b/.test(message);
}

/** A one-line description of a failure, safe to print (no password, no secret). */
export function describeFailure(error: unknown, config: RemoteConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return redact(text.split('\n')[0] ?? '', config);
}
