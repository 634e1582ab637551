/** Failures of the storage layer, mapped to HTTP Status responses by the handlers. */
export type StorageErrorKind = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Unavailable' | 'Compacted' | 'TooLarge' | 'Internal';

export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export const isStorageError = (e: unknown, kind?: StorageErrorKind): e is StorageError =>
  e instanceof StorageError && (kind === undefined || e.kind === kind);
