/**
 * `SMARTCACHE=off`: the one rule read by both the preload (which then installs nothing) and the
 * cache layer (which then reads and writes nothing). `off`, `0`, `false` and `no`, in any case
 * and with surrounding spaces, all mean off; anything else (unset, empty, `on`, `1`) means on.
 */
const OFF = new Set(['off', '0', 'false', 'no']);

export function isSwitchedOff(value: string | undefined): boolean {
  return value !== undefined && OFF.has(value.trim().toLowerCase());
}
