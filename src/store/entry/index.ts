/**
 * Entry files on disk: where they live (paths.ts, one module builds every path), their layout
 * (format.ts: magic, version, checksummed head), reading and atomic writing (file.ts, atomic.ts,
 * io.ts), listing them (scan.ts), and what they take on disk, folders included (usage.ts).
 */
export { crc32 } from '../../checksum';
export { CorruptFileError, decodeEntryBytes, encodeEntry, readEntryFile, readEntryHead, writeEntry } from './file';
export { CorruptError } from './format';
export type { EncodedResult } from './file';
export { FILE_MODE, ensureDir, ioError, isMissing, isRealFolder, listDir, unlinkQuiet } from './io';
export type { Access } from './io';
export { STORE_FORMAT_VERSION, assertKey, claimFile, entryDir, entryFile, safeSegment, functionDir, functionRecordFile, layoutFor, statsFile, tempFileFor } from './paths';
export type { Layout } from './paths';
export { entriesBytes, scan, unlinkIfSame } from './scan';
export type { ScanItem } from './scan';
export { readEntryBytes, writeEntryBytes } from './bytes';
export type { TooLarge } from './bytes';
export { measureUsage, removeEmptyFolders, UsageAccount } from './usage';
export type { DiskUsage } from './usage';
