import * as fs from 'node:fs';

/**
 * Who this process is, and how to name another file owner in a warning. POSIX only: Windows has
 * no uid (`process.getuid` is undefined there) and its ACLs are not checked (README, Security).
 */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

let names: Map<number, string> | undefined;

/** `uid 65534 (nobody)`: the name from /etc/passwd when it has one. Read only to word a warning. */
export function ownerLabel(uid: number): string {
  if (names === undefined) {
    names = new Map();
    try {
      for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name !== undefined && id !== undefined && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
      }
    } catch {
      // No passwd file (a container, Windows): the number alone says it.
    }
  }
  const name = names.get(uid);
  return name === undefined ? `uid ${uid}` : `uid ${uid} (${name})`;
}
