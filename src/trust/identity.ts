import fs = require('node:fs');

/**
 * Who this process is, and how to name another file owner in a warning. POSIX only: Windows has
 * no uid (`process.getuid` is undefined there) and its ACLs are not checked (README, Security).
 * The account files are read only when a folder or file is not plainly the user's (to word a
 * warning, or to tell a private group from a shared one), never on the common path.
 */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** Fields of each line of an account file (`/etc/passwd`, `/etc/group`); [] when unreadable. */
function records(file: string): string[][] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

let passwd: string[][] | undefined;

function accounts(): string[][] {
  return (passwd ??= records('/etc/passwd'));
}

/** `uid 65534 (nobody)`: the name from /etc/passwd when it has one. */
export function ownerLabel(uid: number): string {
  const name = accounts().find((f) => f[2] === String(uid))?.[0];
  return name === undefined ? `uid ${uid}` : `uid ${uid} (${name})`;
}

const privateGroups = new Map<number, boolean>();

/**
 * Whether group `gid` is this user's own private group: the process's primary group, with no
 * other member (none listed in /etc/group besides the user, no other account with it as primary
 * group). Debian and Ubuntu give every user such a group and a umask of 002 (USERGROUPS_ENAB,
 * pam_umask), so the user's folders are group-writable by design while that write access is the
 * user's alone. Unknown (no /etc/group, a directory service) counts as shared.
 */
export function isPrivateGroup(gid: number): boolean {
  const known = privateGroups.get(gid);
  if (known !== undefined) return known;
  const uid = currentUid();
  let answer = false;
  if (uid !== undefined && typeof process.getgid === 'function' && process.getgid() === gid) {
    const group = records('/etc/group').find((f) => f[2] === String(gid));
    const me = accounts().find((f) => f[2] === String(uid))?.[0];
    const members = (group?.[3] ?? '').split(',').filter((m) => m.trim() !== '');
    const sharers = accounts().filter((f) => f[3] === String(gid) && f[2] !== String(uid));
    answer = group !== undefined && me !== undefined && members.every((m) => m.trim() === me) && sharers.length === 0;
  }
  privateGroups.set(gid, answer);
  return answer;
}
