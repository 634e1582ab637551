import { authorize } from '../authorize';
import { staticRbacSource } from '../rbac-source';
import type { RequestAttributes } from '../request-attributes';
import { serviceAccountGroups, serviceAccountUserName, type UserInfo } from '../user';
import { defaultClusterRoleBindings, defaultClusterRoles, defaultRoleBindings, defaultRoles } from './default-policy';

const policy = staticRbacSource({ clusterRoles: defaultClusterRoles(), clusterRoleBindings: defaultClusterRoleBindings(), roles: defaultRoles(), roleBindings: defaultRoleBindings() });
const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const bootstrapper = user('system:bootstrap:abcdef', 'system:bootstrappers');
const node = user('system:node:n1', 'system:nodes');
const someone = user('alice');
const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
const account = (name: string): UserInfo => ({ name: serviceAccountUserName('kube-system', name), groups: [...serviceAccountGroups('kube-system'), 'system:authenticated'] });

type Op = [verb: string, group: string, resource: string, namespace?: string, name?: string];
function can(u: UserInfo, [verb, group, resource, namespace, name]: Op): boolean {
  const [res, subresource] = resource.split('/');
  const a: RequestAttributes = { user: u, verb, resourceRequest: true, apiGroup: group, resource: res, subresource, namespace, name };
  return authorize(a, policy).allowed;
}
const csrs = 'certificatesigningrequests';
const certs = 'certificates.k8s.io';

describe('kubelet TLS bootstrapping policy', () => {
  it('lets a bootstrap token file and watch CSRs and be approved as a new node, but not renew as one', () => {
    for (const op of [['create', certs, csrs], ['get', certs, csrs, undefined, 'x'], ['list', certs, csrs], ['watch', certs, csrs], ['create', certs, `${csrs}/nodeclient`]] as Op[]) {
      expect([op, can(bootstrapper, op)]).toEqual([op, true]);
    }
    expect(can(bootstrapper, ['create', certs, `${csrs}/selfnodeclient`])).toBe(false);
    expect(can(bootstrapper, ['update', certs, `${csrs}/approval`, undefined, 'x'])).toBe(false);
    expect(can(bootstrapper, ['list', '', 'secrets', 'kube-system'])).toBe(false);
  });

  it('lets a node renew its own client certificate', () => {
    expect(can(node, ['create', certs, `${csrs}/selfnodeclient`])).toBe(true);
    expect(can(node, ['create', certs, `${csrs}/nodeclient`])).toBe(false);
  });

  it('gives ordinary users and anonymous none of it, and anonymous only cluster-info', () => {
    for (const u of [someone, anonymous]) {
      expect(can(u, ['create', certs, `${csrs}/nodeclient`])).toBe(false);
      expect(can(u, ['create', certs, `${csrs}/selfnodeclient`])).toBe(false);
    }
    expect(can(anonymous, ['get', '', 'configmaps', 'kube-public', 'cluster-info'])).toBe(true);
    expect(can(anonymous, ['create', certs, csrs])).toBe(false);
  });

  it('lets the controller-manager approve node client requests and sign for the cluster CA signers, nothing more', () => {
    const controllerManager = user('system:kube-controller-manager');
    expect(can(controllerManager, ['approve', certs, 'signers', undefined, 'kubernetes.io/kube-apiserver-client-kubelet'])).toBe(true);
    expect(can(controllerManager, ['approve', certs, 'signers', undefined, 'kubernetes.io/kube-apiserver-client'])).toBe(false);
    for (const signer of ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']) {
      expect(can(controllerManager, ['sign', certs, 'signers', undefined, signer])).toBe(true);
    }
    expect(can(controllerManager, ['sign', certs, 'signers', undefined, 'example.com/other'])).toBe(false);
    expect(can(controllerManager, ['update', certs, `${csrs}/approval`, undefined, 'x'])).toBe(true);
    expect(can(controllerManager, ['update', certs, `${csrs}/status`, undefined, 'x'])).toBe(true);
  });

  it("ships Kubernetes' unbound per-signer approver roles", () => {
    const names = defaultClusterRoles().map((r) => r.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'system:certificates.k8s.io:kube-apiserver-client-approver',
        'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver',
        'system:certificates.k8s.io:kubelet-serving-approver',
        'system:certificates.k8s.io:legacy-unknown-approver',
      ]),
    );
    const role = defaultClusterRoles().find((r) => r.metadata.name === 'system:certificates.k8s.io:kubelet-serving-approver')!;
    expect(role.rules).toEqual([{ verbs: ['approve'], apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kubelet-serving'] }]);
  });

  it("gives the controllers' service accounts Kubernetes' rights", () => {
    const certificateController = account('certificate-controller');
    expect(can(certificateController, ['update', certs, `${csrs}/approval`, undefined, 'x'])).toBe(true);
    expect(can(certificateController, ['update', certs, `${csrs}/status`, undefined, 'x'])).toBe(true);
    expect(can(certificateController, ['create', 'authorization.k8s.io', 'subjectaccessreviews'])).toBe(true);
    expect(can(certificateController, ['sign', certs, 'signers', undefined, 'kubernetes.io/kubelet-serving'])).toBe(true);
    expect(can(certificateController, ['approve', certs, 'signers', undefined, 'kubernetes.io/kubelet-serving'])).toBe(false);
    const signer = account('bootstrap-signer');
    expect(can(signer, ['list', '', 'secrets', 'kube-system'])).toBe(true);
    expect(can(signer, ['update', '', 'configmaps', 'kube-public', 'cluster-info'])).toBe(true);
    expect(can(signer, ['update', '', 'configmaps', 'kube-public', 'other'])).toBe(false);
    expect(can(signer, ['delete', '', 'secrets', 'kube-system', 'bootstrap-token-abcdef'])).toBe(false);
    const cleaner = account('token-cleaner');
    expect(can(cleaner, ['delete', '', 'secrets', 'kube-system', 'bootstrap-token-abcdef'])).toBe(true);
    expect(can(cleaner, ['delete', '', 'secrets', 'default', 'x'])).toBe(false);
  });
});
