import type { KObject, OwnerReference, ResourceType } from '@skiff/api';

/** One object as the garbage collector sees it: where it lives and whom it names as owners. */
export interface GraphNode {
  type: ResourceType<any>;
  object: KObject;
}

/**
 * The ownership graph over every watched object: objects by uid, and for each owner uid the uids of the objects
 * that name it in ownerReferences (whether or not the owner itself is known, so dependents of a vanished owner
 * are still found).
 */
export class ObjectGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** The objects that name `ownerUid` as an owner. */
  dependentsOf(ownerUid: string): GraphNode[] {
    return [...(this.dependents.get(ownerUid) ?? [])].map((uid) => this.nodes.get(uid)).filter((n): n is GraphNode => !!n);
  }

  upsert(type: ResourceType<any>, object: KObject): void {
    const uid = object.metadata.uid;
    if (!uid) return;
    const previous = this.nodes.get(uid);
    if (previous) this.unlinkOwners(uid, previous.object.metadata.ownerReferences ?? []);
    this.nodes.set(uid, { type, object });
    for (const ref of object.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
  }

  remove(object: KObject): void {
    const uid = object.metadata.uid;
    const node = uid ? this.nodes.get(uid) : undefined;
    if (!uid || !node) return;
    this.unlinkOwners(uid, node.object.metadata.ownerReferences ?? []);
    this.nodes.delete(uid);
  }

  private unlinkOwners(uid: string, refs: OwnerReference[]): void {
    for (const ref of refs) {
      const set = this.dependents.get(ref.uid);
      set?.delete(uid);
      if (set?.size === 0) this.dependents.delete(ref.uid);
    }
  }
}
