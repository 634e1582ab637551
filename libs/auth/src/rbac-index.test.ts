import type { ClusterRole, ClusterRoleBinding, RoleBinding } from '@skiff/api';
import { RbacAuthorizer } from './rbac-authorizer';
import type { RbacLister, RbacSource } from './rbac-source';
import type { RequestAttributes } from './request-attributes';

/** A lister over a mutable array whose version moves on every change, counting how often it is listed. */
class CountingLister<T> implements RbacLister<T> {
  lists = 0;
  private rev = 1;
  constructor(private items: T[] = []) {}
  list(): readonly T[] {
    this.lists++;
    return this.items;
  }
  version(): number {
    return this.rev;
  }
  set(items: T[]): void {
    this.items = items;
    this.rev++;
  }
}

const group = 'rbac.authorization.k8s.io';
const reader: ClusterRole = { metadata: { name: 'reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
const bindingFor = (i: number): ClusterRoleBinding => ({
  metadata: { name: `user-${i}` },
  roleRef: { apiGroup: group, kind: 'ClusterRole', name: 'reader' },
  subjects: [{ apiGroup: group, kind: 'User', name: `user-${i}` }],
});
const getPod = (name: string): RequestAttributes => ({ user: { name, groups: [] }, verb: 'get', resourceRequest: true, apiGroup: '', resource: 'pods', namespace: 'dev', name: 'web' });

function source() {
  const listers = {
    roles: new CountingLister(),
    clusterRoles: new CountingLister<ClusterRole>([reader]),
    roleBindings: new CountingLister<RoleBinding>(),
    clusterRoleBindings: new CountingLister(Array.from({ length: 5000 }, (_, i) => bindingFor(i))),
  };
  return { listers, source: listers as unknown as RbacSource };
}

describe('RbacIndex', () => {
  it('lists each kind once and answers later checks from its index', () => {
    const { listers, source: s } = source();
    const authz = new RbacAuthorizer(s);
    for (let i = 0; i < 100; i++) expect(authz.authorize(getPod(`user-${i * 7}`)).decision).toBe('Allow');
    expect(authz.authorize(getPod('stranger')).decision).toBe('NoOpinion');
    expect(listers.clusterRoleBindings.lists).toBe(1);
    expect(listers.clusterRoles.lists).toBe(1);
  });

  it('re-reads a kind when its version moves, and only that kind', () => {
    const { listers, source: s } = source();
    const authz = new RbacAuthorizer(s);
    expect(authz.authorize(getPod('user-1')).decision).toBe('Allow');
    listers.clusterRoleBindings.set([bindingFor(2)]);
    expect(authz.authorize(getPod('user-1')).decision).toBe('NoOpinion');
    expect(authz.authorize(getPod('user-2')).decision).toBe('Allow');
    expect(listers.clusterRoleBindings.lists).toBe(2);
    expect(listers.clusterRoles.lists).toBe(1);
    listers.clusterRoles.set([{ ...reader, rules: [] }]);
    expect(authz.authorize(getPod('user-2')).decision).toBe('NoOpinion');
  });

  it('looks at role bindings only in the namespace of the request', () => {
    const { listers, source: s } = source();
    listers.clusterRoleBindings.set([]);
    listers.roleBindings.set([
      { metadata: { name: 'b', namespace: 'prod' }, roleRef: { apiGroup: group, kind: 'ClusterRole', name: 'reader' }, subjects: [{ apiGroup: group, kind: 'User', name: 'eve' }] },
    ]);
    const authz = new RbacAuthorizer(s);
    expect(authz.authorize(getPod('eve')).decision).toBe('NoOpinion');
    expect(authz.authorize({ ...getPod('eve'), namespace: 'prod' }).decision).toBe('Allow');
  });
});
