/**
 * Trust in the cache root: who owns the folders (folders.ts) and how files in them are opened
 * (files.ts). Used by the store, the preload's rewrite cache and the analysis cache alike.
 */
export { currentUid, ownerLabel } from './identity';
export { makeFolders } from './mkdirs';
export {
  ANY_OWNER,
  APPEND_FLAGS,
  CREATE_FLAGS,
  READ_FLAGS,
  UnsafeFileError,
  checkOpened,
  fileProblem,
  isLinkRefusal,
  openForAppend,
  ensurePrivateFolder,
  isAcceptedFolder,
  openForRead,
  readSmallFile,
  writeFileAtomic,
  type FileRule,
  type OpenedFile,
} from './files';
export { SHARED_ROOT_ENV, forgetVerdicts, judgeRoot, othersMayWrite, ownFolderFault, refusalMessage, type RootTrust, type TrustLevel } from './folders';
