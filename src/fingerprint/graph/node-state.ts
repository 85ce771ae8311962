/**
 * Objects of Node's whose state lives inside Node (C++ or private fields), out of reach of the
 * property walk: two keys of one size, or two header lists, walked alike, and a module constant
 * `signingKey = createSecretKey(fs.readFileSync('secret.key'))` rotated between runs was a stale
 * hit. For the common ones the state is read through their own public methods and counts as a
 * hash (never in clear: a key's bytes, a hash's digest so far); the rest cannot be read without
 * changing them (a request's body, a cipher's position) and make every call reaching them miss,
 * with one warning, as the key hasher refuses them as arguments.
 */
import { types } from 'node:util';
import { sha256 } from '../../hash';
import { warnOnce } from '../../warn';
import { addDynamic, leaf, PROCESS_SALT, type Entity } from './entity';

/**
 * A class's prototype (`PrivateKeyObject.prototype`) passes `instanceof KeyObject` too, but holds
 * no state: reading it throws (the watch compares prototypes on every memory hit; a KeyObject
 * prototype made each hit throw and catch, ~20 µs).
 */
function isPrototypeObject(o: object): boolean {
  const ctor: unknown = Reflect.getOwnPropertyDescriptor(o, 'constructor')?.value;
  return typeof ctor === 'function' && Reflect.getOwnPropertyDescriptor(ctor, 'prototype')?.value === o;
}

/** `instanceof` asks every prototype of the chain: a proxy there would run the program's trap. */
function chainHasProxy(o: object): boolean {
  for (let p: object | null = o; p !== null; p = Object.getPrototypeOf(p) as object | null) if (types.isProxy(p)) return true;
  return false;
}

/** What an instance's hidden state reads as: a digest to count, or nothing readable. */
export type HiddenState = { readonly label: string; readonly digest: string } | { readonly opaque: string };

/** Constructor names worth a closer look (the test that follows is by the real classes). */
const CANDIDATES: ReadonlySet<string> = new Set([
  'KeyObject', 'SecretKeyObject', 'PublicKeyObject', 'PrivateKeyObject', 'Hash', 'Hmac', 'ECDH', 'DiffieHellman',
  'DiffieHellmanGroup', 'Cipheriv', 'Decipheriv', 'Cipher', 'Decipher', 'Sign', 'Verify', 'BlockList', 'Headers',
  'FormData', 'Request', 'Response', 'CryptoKey', 'SocketAddress',
]);

type Crypto = typeof import('node:crypto');

let cryptoModule: Crypto | undefined;
/** Loaded only once an instance of one of its classes is met (it is loaded then already). */
const crypto = (): Crypto => (cryptoModule ??= require('node:crypto') as Crypto);

function bytesDigest(bytes: Buffer | string): string {
  return sha256(typeof bytes === 'string' ? bytes : bytes.toString('base64'));
}

function keyState(key: import('node:crypto').KeyObject): HiddenState {
  const exported = key.type === 'secret' ? key.export() : key.type === 'public' ? key.export({ type: 'spki', format: 'der' }) : key.export({ type: 'pkcs8', format: 'der' });
  return { label: `(${key.type} key) sha256`, digest: bytesDigest(exported) };
}

/**
 * A KeyObject never changes: its digest is taken once (the watch compares it on every memory
 * hit, and exporting and hashing an RSA key took ~20 µs each time).
 */
const keyDigests = new WeakMap<object, HiddenState>();

/** `o` is an instance of the global class `name` (asked only when the constructor is named so: on Node 20 the web globals load undici on first read). */
function isGlobal(o: object, name: string): boolean {
  const ctor = (globalThis as unknown as Record<string, unknown>)[name];
  return typeof ctor === 'function' && o instanceof ctor;
}

function isCrypto(o: object, name: string): boolean {
  const ctor = (crypto() as unknown as Record<string, unknown>)[name];
  return typeof ctor === 'function' && o instanceof ctor;
}

const KEY_CLASSES: ReadonlySet<string> = new Set(['KeyObject', 'SecretKeyObject', 'PublicKeyObject', 'PrivateKeyObject']);
const UNREADABLE_CRYPTO: ReadonlySet<string> = new Set(['Hmac', 'Cipheriv', 'Decipheriv', 'Cipher', 'Decipher', 'Sign', 'Verify']);

/** The reader for an instance whose constructor is named `name`; undefined when it is not Node's. */
function readState(o: object, name: string): HiddenState | undefined {
  if (KEY_CLASSES.has(name)) {
    if (!(o instanceof crypto().KeyObject)) return undefined;
    let state = keyDigests.get(o);
    if (state === undefined) keyDigests.set(o, (state = keyState(o)));
    return state;
  }
  switch (name) {
    case 'Headers':
      return isGlobal(o, name) ? { label: '(entries)', digest: sha256(JSON.stringify([...(o as Headers)])) } : undefined;
    case 'FormData': {
      if (!isGlobal(o, name)) return undefined;
      const entries = [...(o as FormData)];
      return entries.every(([, v]) => typeof v === 'string') ? { label: '(entries)', digest: sha256(JSON.stringify(entries)) } : { opaque: 'FormData holding files' };
    }
    case 'Request':
    case 'Response':
    case 'CryptoKey':
      return isGlobal(o, name) ? { opaque: name } : undefined;
    case 'Hash':
      return o instanceof crypto().Hash ? { label: '(hash state) digest', digest: bytesDigest(o.copy().digest()) } : undefined;
    case 'ECDH':
    case 'DiffieHellman':
    case 'DiffieHellmanGroup':
      return isCrypto(o, name) ? { label: '(private key) sha256', digest: bytesDigest((o as import('node:crypto').DiffieHellman).getPrivateKey()) } : undefined;
    case 'BlockList':
    case 'SocketAddress': {
      const net = require('node:net') as typeof import('node:net');
      if (o instanceof net.BlockList) return { label: '(rules)', digest: sha256(JSON.stringify(o.rules)) };
      if (o instanceof net.SocketAddress) return { label: '(address)', digest: sha256(`${o.family} ${o.address} ${o.port} ${o.flowlabel}`) };
      return undefined;
    }
    default:
      return UNREADABLE_CRYPTO.has(name) && isCrypto(o, name) ? { opaque: `crypto.${name}` } : undefined;
  }
}

/**
 * The hidden state of `o` (an instance whose class is `ctor`), or undefined when `o` is none of
 * Node's objects that keep one. Never throws: a read that fails counts as unreadable.
 */
export function hiddenState(o: object, ctor: Function): HiddenState | undefined {
  const known = keyDigests.get(o);
  if (known !== undefined) return known;
  if (types.isProxy(ctor)) return undefined;
  const name = Reflect.getOwnPropertyDescriptor(ctor, 'name')?.value;
  if (typeof name !== 'string' || !CANDIDATES.has(name) || chainHasProxy(o) || isPrototypeObject(o)) return undefined;
  try {
    return readState(o, name);
  } catch (error) {
    return { opaque: `${name} (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * What an unreadable state counts as: a leaf that differs in every process, so a call reaching
 * it misses on every run (never a result computed with other state), told once.
 */
export function opaqueStateLeaf(what: string): Entity {
  const why = `a value holds state Node keeps out of reach (${what}): it cannot be compared between runs, so every call of a cached function reaching it misses; pass what it depends on as an argument, or use dependsOn`;
  const e = leaf('dynamic', what, `opaque-state:${PROCESS_SALT}`);
  addDynamic(e, why);
  warnOnce('smartcache', why, undefined, 'ERR_FINGERPRINT');
  return e;
}

/**
 * What the watch between calls compares for `o` besides its properties: its hidden state's
 * digest, or the reason it has none (a `Headers` list the program changes between two calls of
 * one process must be seen there too). Undefined for every object that keeps no such state.
 */
export function hiddenStateDigest(o: object): string | undefined {
  if (types.isProxy(o)) return undefined;
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto === null || proto === Object.prototype || proto === Array.prototype || typeof proto !== 'object' || types.isProxy(proto)) return undefined;
  const ctor: unknown = Reflect.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  if (typeof ctor !== 'function') return undefined;
  const state = hiddenState(o, ctor);
  return state === undefined ? undefined : 'opaque' in state ? `opaque ${state.opaque}` : state.digest;
}
