import { indexSegment, mapKeySegment, mapValueSegment, propertySegment, setValueSegment } from './path';

/**
 * The walker's explicit stack: one frame per container being encoded, so depth costs heap, not
 * call stack (10,000 nested arrays are fine). Frames are pooled by depth and reused.
 */
export const ARRAY = 0;   // array elements (holes checked inline), also Set/Map lists and links
export const HOLEY = 1;   // array elements, then extra named properties
export const OBJ = 2;     // properties read lazily from `target` in `keys` order
export const SET = 3;
export const MAP = 4;     // flat [key0, value0, key1, value1, ...]
export const PAIRS = 5;   // flat [key0, value0, ...] prepared up front (errors, prototypes)
export const LINK = 6;    // one prototype link

export class Frame {
  kind = ARRAY;
  list: unknown[] = [];
  target: Record<PropertyKey, unknown> = {};
  keys: ReadonlyArray<string | symbol> = [];
  len = 0;
  i = 0;
  n = 0;
}

/** What a popped frame holds instead of user objects, so the pool keeps nothing alive. */
export const NO_LIST: unknown[] = [];
export const NO_TARGET: Record<PropertyKey, unknown> = {};
export const NO_KEYS: ReadonlyArray<string | symbol> = [];

/** The path segment of the i-th child of a frame, for error messages (see path.ts). */
export function segmentOf(f: Frame, i: number): string {
  switch (f.kind) {
    case ARRAY: return indexSegment(i);
    case HOLEY: return i < f.len ? indexSegment(i) : propertySegment(f.keys[i - f.len]!);
    case OBJ: return propertySegment(f.keys[i]!);
    case SET: return setValueSegment(i);
    case MAP: return (i & 1) === 0 ? mapKeySegment(i >> 1) : mapValueSegment(f.list[i - 1], i >> 1);
    case PAIRS: return propertySegment(f.list[i & ~1] as string | symbol);
    default: return '.<prototype>';
  }
}
