/** The shapes the store hands to the cache layer and the CLI. */

export interface EntryMeta {
  /**
   * The key the entry is stored under, inside its checksummed head (format.ts). Read back on
   * every read and compared with the key asked for; left out when encoding (the store's write
   * stamps it).
   */
  readonly key?: string;
  /** Function name (display identity, as given by cache()). */
  readonly fn: string;
  /** Hex fingerprint of the function's code when stored. */
  readonly fingerprint: string;
  /** ms since epoch. */
  readonly created: number;
  /** How long the real call took, in ms. */
  readonly computeMs: number;
  /** ms since epoch; absent = never. The store keeps it; the cache layer decides what it means. */
  readonly expires?: number;
}

export interface ReadEntry {
  readonly meta: EntryMeta;
  readonly value: unknown;
  /** Size of the entry file. */
  readonly bytes: number;
  /** When the entry was last marked used (its file's mtime); undefined for bytes from elsewhere. */
  readonly mtimeMs?: number;
  /**
   * For small entries: an independent copy of the value made from the bytes just read, for the
   * memory layer (no second encode). Reads of the value it holds decode the envelope's result.
   */
  readonly snapshot?: Snapshot;
}

export interface EntryInfo {
  readonly key: string;
  readonly file: string;
  readonly meta: EntryMeta;
  readonly bytes: number;
  /** Space the file takes on disk (allocated blocks, as `du` counts them). */
  readonly disk: number;
  /** ms since epoch: the file's mtime, bumped by markUsed(). */
  readonly lastUsed: number;
}

/** One per (function name, fingerprint); the CLI and miss reasons read it. */
export interface FunctionRecord {
  readonly name: string;
  readonly fingerprint: string;
  /** Project-relative source file. */
  readonly file?: string;
  /** explain() tree, CBOR-able plain data. */
  readonly tree: unknown;
  readonly written: number;
  /** Absolute project folder of the run that wrote it, to find `file` again (local only). */
  readonly project?: string;
  /** Source text of the tree's functions and classes by node hash, each text once. */
  readonly code?: Readonly<Record<string, string>>;
  /** sha256 of each project file (project-relative) the tree's code came from, when written. */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * The process that first recorded this fingerprint (unique per process, kept when the record is
   * marked current again): fingerprints recorded by one run are all live together, which tells
   * `prune` closures of one factory from older versions (store/prune.ts).
   */
  readonly run?: string;
  /** Some run of this fingerprint said `remote: false`: `smartcache push` never uploads its entries. */
  readonly local?: boolean;
}

export interface StatsDelta {
  readonly calls: number;
  readonly hits: number;
  readonly misses: number;
  readonly savedMs: number;
  readonly overheadMs: number;
  readonly computeMs: number;
}

/**
 * An entry ready to write: the file's bytes as a list of chunks, written in order without being
 * joined. Large binary chunks are views of the caller's own typed arrays (no copy), so write it
 * before the caller can mutate the value. The trailing checksum is computed while writing.
 */
export interface EncodedEntry {
  readonly meta: EntryMeta;
  readonly chunks: readonly Uint8Array[];
  /** Size of the file once written (chunks + checksum trailer). */
  readonly bytes: number;
}

/** The team cache's counters of one process (or their totals), as `smartcache stats` shows them. */
export interface RemoteStatsDelta {
  /** Lookups answered by a verified remote entry. */
  readonly hits: number;
  readonly misses: number;
  /** Failed requests (refused, reset, denied...). */
  readonly errors: number;
  readonly timeouts: number;
  /** Records whose signature did not verify, or whose entry failed the store's checks. */
  readonly rejected: number;
  /** Entries over SMARTCACHE_REMOTE_MAX_BYTES, neither fetched nor uploaded. */
  readonly tooLarge: number;
  /** Entries this process stored on the server. */
  readonly uploads: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/**
 * What the memory layer keeps of a result so that no caller can change what the next hit returns
 * (store/snapshot.ts makes them).
 */
export interface Snapshot {
  /** Approximate memory held, for the layer's byte bound. */
  readonly bytes: number;
  /** A fresh copy of the result (the same value for primitives). */
  read(): unknown;
}
