import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@skiff/api';
import type { RbacLister, RbacSource } from './rbac-source';
import { subjectKey } from './subject-match';

/** Bindings by subject key, each list sorted by binding name so the first allowing binding is always the same. */
type BindingsBySubject<T> = Map<string, T[]>;

interface Snapshot<T> {
  version: string | number;
  value: T;
}

const byName = (a: { metadata: { name?: string } }, b: { metadata: { name?: string } }) => {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

function bySubject<T extends RoleBinding | ClusterRoleBinding>(bindings: readonly T[], namespaceOf: (b: T) => string): BindingsBySubject<T> {
  const index: BindingsBySubject<T> = new Map();
  const sorted = [...bindings].sort(byName);
  for (const binding of sorted) {
    const keys = new Set<string>();
    for (const s of binding.subjects ?? []) {
      const key = subjectKey(s, namespaceOf(binding));
      if (key) keys.add(key);
    }
    for (const key of keys) {
      let list = index.get(key);
      if (!list) index.set(key, (list = []));
      list.push(binding);
    }
  }
  return index;
}

/**
 * Roles by name and bindings by subject, rebuilt per kind when the source's version for that kind moves, so a
 * check looks only at the bindings naming the user or one of its groups.
 */
export class RbacIndex {
  private roles?: Snapshot<Map<string, Role>>;
  private clusterRoles?: Snapshot<Map<string, ClusterRole>>;
  private roleBindings?: Snapshot<Map<string, BindingsBySubject<RoleBinding>>>;
  private clusterRoleBindings?: Snapshot<BindingsBySubject<ClusterRoleBinding>>;

  constructor(private readonly source: RbacSource) {}

  getRole(namespace: string, name: string): Role | undefined {
    this.roles = this.refresh(this.roles, this.source.roles, (items) => new Map(items.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r])));
    return this.roles.value.get(`${namespace}/${name}`);
  }

  getClusterRole(name: string): ClusterRole | undefined {
    this.clusterRoles = this.refresh(this.clusterRoles, this.source.clusterRoles, (items) => new Map(items.map((r) => [r.metadata.name ?? '', r])));
    return this.clusterRoles.value.get(name);
  }

  /** ClusterRoleBindings that name one of the keys, each once, in name order. */
  clusterRoleBindingsFor(keys: readonly string[]): ClusterRoleBinding[] {
    this.clusterRoleBindings = this.refresh(this.clusterRoleBindings, this.source.clusterRoleBindings, (items) => bySubject(items, () => ''));
    return collect(this.clusterRoleBindings.value, keys);
  }

  /** RoleBindings in the namespace that name one of the keys, each once, in name order. */
  roleBindingsFor(namespace: string, keys: readonly string[]): RoleBinding[] {
    this.roleBindings = this.refresh(this.roleBindings, this.source.roleBindings, (items) => {
      const byNamespace = new Map<string, RoleBinding[]>();
      for (const rb of items) {
        const ns = rb.metadata.namespace ?? '';
        let list = byNamespace.get(ns);
        if (!list) byNamespace.set(ns, (list = []));
        list.push(rb);
      }
      return new Map([...byNamespace].map(([ns, list]) => [ns, bySubject(list, () => ns)]));
    });
    const inNamespace = this.roleBindings.value.get(namespace);
    return inNamespace ? collect(inNamespace, keys) : [];
  }

  private refresh<T, V>(current: Snapshot<V> | undefined, lister: RbacLister<T>, build: (items: readonly T[]) => V): Snapshot<V> {
    const version = lister.version();
    if (current && current.version === version) return current;
    return { version, value: build(lister.list()) };
  }
}

function collect<T extends RoleBinding | ClusterRoleBinding>(index: BindingsBySubject<T>, keys: readonly string[]): T[] {
  const found = new Set<T>();
  for (const key of keys) for (const b of index.get(key) ?? []) found.add(b);
  return [...found].sort(byName);
}
