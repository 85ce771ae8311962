/** Reading builtin values through their own prototype methods (immune to user overrides). */
export const getTime = Date.prototype.getTime;
export const regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source')!.get!;
export const regexpFlags = Object.getOwnPropertyDescriptor(RegExp.prototype, 'flags')!.get!;

export function boxedValue(o: object, name: string): unknown {
  switch (name) {
    case 'Number': return Number.prototype.valueOf.call(o);
    case 'String': return String.prototype.valueOf.call(o);
    case 'Boolean': return Boolean.prototype.valueOf.call(o);
    case 'BigInt': return BigInt.prototype.valueOf.call(o);
    default: return Symbol.prototype.valueOf.call(o);
  }
}

/** A byte view over the value's own memory (no copy). */
export function bytesOf(o: object): Uint8Array {
  if (ArrayBuffer.isView(o)) return new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
  return new Uint8Array(o as ArrayBufferLike);
}

