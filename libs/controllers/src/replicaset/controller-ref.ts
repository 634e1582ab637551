import type { KObject, LabelSelectorMatcher, OwnerReference, ResourceType } from '@skiff/api';
import { isNotFound, type KubeClient } from '@skiff/client';

/** The owner reference with controller: true, if any. */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The reference an owner puts on what it controls; blockOwnerDeletion lets foreground deletion wait for the child. */
export function controllerReferenceTo(owner: KObject, ownerType: ResourceType<any>): OwnerReference {
  return {
    apiVersion: ownerType.group ? `${ownerType.group}/${ownerType.version}` : ownerType.version,
    kind: ownerType.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimOptions {
  client: KubeClient;
  owner: KObject;
  ownerType: ResourceType<any>;
  childType: ResourceType<any>;
  selector: LabelSelectorMatcher;
  /** Re-reads the owner from the server; adoption is refused when it is gone, replaced or being deleted. */
  recheckOwner(): Promise<KObject | undefined>;
}

/**
 * Kubernetes' ControllerRefManager: of the candidates, returns those this owner controls after adopting matching
 * orphans and releasing owned objects whose labels no longer match. Objects another controller owns are left alone.
 */
export async function claimObjects<T extends KObject>(candidates: T[], opts: ClaimOptions): Promise<T[]> {
  const ownerUid = opts.owner.metadata.uid;
  const ownerDeleting = !!opts.owner.metadata.deletionTimestamp;
  let adoptionChecked: boolean | undefined;
  const claimed: T[] = [];
  for (const child of candidates) {
    const ref = controllerOf(child);
    const matches = opts.selector.matches(child.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches || ownerDeleting) {
        claimed.push(child);
        continue;
      }
      if (!child.metadata.deletionTimestamp) await release(child, opts);
      continue;
    }
    if (ownerDeleting || !matches || child.metadata.deletionTimestamp) continue;
    if (adoptionChecked === undefined) {
      const fresh = await opts.recheckOwner();
      adoptionChecked = !!fresh && fresh.metadata.uid === ownerUid && !fresh.metadata.deletionTimestamp;
    }
    if (!adoptionChecked) continue;
    const adopted = await adopt(child, opts);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function adopt<T extends KObject>(child: T, opts: ClaimOptions): Promise<T | undefined> {
  const ownerReferences = [...(child.metadata.ownerReferences ?? []), controllerReferenceTo(opts.owner, opts.ownerType)];
  try {
    // The resourceVersion makes the adoption fail rather than overwrite a concurrent owner change.
    return await opts.client.patch<T>(opts.childType, child.metadata.namespace, child.metadata.name!, 'merge', {
      metadata: { ownerReferences, resourceVersion: child.metadata.resourceVersion },
    });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function release(child: KObject, opts: ClaimOptions): Promise<void> {
  const ownerReferences = (child.metadata.ownerReferences ?? []).filter((r) => r.uid !== opts.owner.metadata.uid);
  try {
    await opts.client.patch(opts.childType, child.metadata.namespace, child.metadata.name!, 'merge', {
      metadata: { ownerReferences, resourceVersion: child.metadata.resourceVersion },
    });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
