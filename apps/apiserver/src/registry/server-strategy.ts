import type { KObject } from '@skiff/api';
import type { UserInfo } from '../admission/admission';
import type { TxnExtras } from '../storage/etcd-store';

/**
 * Server-side behaviour of one resource beyond the shared rules: what the server resets or derives on
 * writes, and which other etcd keys must change in the same transaction (allocations).
 */
export interface ServerStrategy {
  /** Called on a new object after metadata is initialised and before defaults; `user` is who asked for it. */
  prepareForCreate?(obj: KObject, user: UserInfo): void;
  /** Called on an update of the main resource, after status has been carried over from `old`. */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  /**
   * The object an update through `subresource` stores, built from what the client sent and the current object;
   * undefined leaves the subresource to the shared rules (status replaces status, ...).
   */
  prepareForSubresourceUpdate?(subresource: string, desired: KObject, old: KObject): KObject | undefined;
  /** Extra compares/ops to commit with the create; a conflict on them retries when `retriable`. */
  createExtras?(obj: KObject): Promise<{ extras: TxnExtras; retriable: boolean }>;
  updateExtras?(obj: KObject, old: KObject): Promise<{ extras: TxnExtras; retriable: boolean }>;
  deleteExtras?(old: KObject): TxnExtras;
  /** Grace period for a delete request; 0 (the default) deletes at once when no finalizer holds the object. */
  gracePeriodSeconds?(obj: KObject, requested: number | undefined): number;
  /** Something besides metadata.finalizers that keeps a deleted object around (a namespace's spec.finalizers). */
  holdsDeletion?(obj: KObject): boolean;
  /** Called when deletion starts (deletionTimestamp set), e.g. to mark a namespace Terminating. */
  beginDeletion?(obj: KObject): void;
  /** Seconds to keep the object before etcd expires it (Events). */
  ttlSeconds?: number;
}
