import { certificatesigningrequests, type CertificateSigningRequest, type KObject, type SubjectAccessReview } from '@skiff/api';
import type { KubeClient } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { subjectAccessReviewCheck } from './access-review';
import { CSRApprovingController } from './csrapproving-controller';
import { csrFor, nodeSubject } from './csr-fixtures';

const contextFrom = (kit: ControllerTestKit): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: defaultControllerOptions,
});
const stored = (kit: ControllerTestKit, name: string) => kit.client.tracker.get(certificatesigningrequests, undefined, name) as CertificateSigningRequest;

/** RBAC stand-in: which user may create which certificatesigningrequests subresource; records every question. */
function accessFor(allowed: Record<string, string[]>) {
  const asked: [string, string][] = [];
  const check = async (csr: CertificateSigningRequest, subresource: string) => {
    asked.push([csr.spec.username ?? '', subresource]);
    return (allowed[csr.spec.username ?? ''] ?? []).includes(subresource);
  };
  return { asked, check };
}

async function setUp(csrs: CertificateSigningRequest[], allowed: Record<string, string[]>) {
  const kit = new ControllerTestKit();
  kit.seed(certificatesigningrequests, ...csrs);
  const access = accessFor(allowed);
  const controller = new CSRApprovingController(contextFrom(kit), access.check);
  await kit.start();
  return { kit, controller, asked: access.asked };
}

describe('the CSR approver', () => {
  let kit: ControllerTestKit | undefined;
  afterEach(() => kit?.stop());

  it("approves a joining node's client certificate request when its bootstrap token may create nodeclient requests", async () => {
    const s = await setUp([await csrFor('node-csr-a', nodeSubject('n1'))], { 'system:bootstrap:abcdef': ['nodeclient'] });
    kit = s.kit;
    await s.controller.reconcile('node-csr-a');
    expect(s.asked).toEqual([['system:bootstrap:abcdef', 'nodeclient']]);
    expect(kit.writes()).toEqual(['update certificatesigningrequests/approval']);
    expect(stored(kit, 'node-csr-a').status?.conditions).toEqual([
      { type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.', lastUpdateTime: '2024-05-01T10:00:00Z' },
    ]);
  });

  it('approves a renewal by the node itself through selfnodeclient', async () => {
    const renewal = await csrFor('renew', nodeSubject('n1'), { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'], usages: ['digital signature', 'key encipherment', 'client auth'] });
    const s = await setUp([renewal], { 'system:node:n1': ['selfnodeclient'] });
    kit = s.kit;
    await s.controller.reconcile('renew');
    expect(s.asked).toEqual([['system:node:n1', 'selfnodeclient']]);
    expect(stored(kit, 'renew').status?.conditions?.[0]).toMatchObject({ type: 'Approved', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' });
  });

  it('does not fall back to nodeclient when a self renewal is not allowed', async () => {
    const renewal = await csrFor('renew', nodeSubject('n1'), { username: 'system:node:n1' });
    const s = await setUp([renewal], { 'system:node:n1': ['nodeclient'] });
    kit = s.kit;
    await s.controller.reconcile('renew');
    expect(s.asked).toEqual([['system:node:n1', 'selfnodeclient']]);
    expect(kit.writes()).toEqual([]);
  });

  it('leaves the request pending when the requester may not create node client requests', async () => {
    const s = await setUp([await csrFor('node-csr-a', nodeSubject('n1'), { username: 'mallory', groups: ['system:authenticated'] })], {});
    kit = s.kit;
    await s.controller.reconcile('node-csr-a');
    expect(s.asked).toEqual([['mallory', 'nodeclient']]);
    expect(kit.writes()).toEqual([]);
    expect(stored(kit, 'node-csr-a').status).toBeUndefined();
  });

  it('does not recognize requests that are not plain kubelet client certificates', async () => {
    const csrs = [
      await csrFor('other-signer', nodeSubject('n1'), { signerName: 'kubernetes.io/kube-apiserver-client' }),
      await csrFor('with-san', { ...nodeSubject('n1'), dnsNames: ['n1.example'] }),
      await csrFor('extra-org', { commonName: 'system:node:n1', organizations: ['system:nodes', 'system:masters'] }),
      await csrFor('not-a-node', { commonName: 'alice', organizations: ['system:nodes'] }),
      await csrFor('serving-usage', nodeSubject('n1'), { usages: ['digital signature', 'client auth', 'server auth'] }),
    ];
    const s = await setUp(csrs, { 'system:bootstrap:abcdef': ['nodeclient', 'selfnodeclient'] });
    kit = s.kit;
    for (const csr of csrs) await s.controller.reconcile(csr.metadata.name!);
    expect(s.asked).toEqual([]);
    expect(kit.writes()).toEqual([]);
  });

  it('leaves decided and issued requests alone', async () => {
    const csrs = [
      await csrFor('denied', nodeSubject('n1'), {}, { conditions: [{ type: 'Denied', status: 'True' }] }),
      await csrFor('approved', nodeSubject('n1'), {}, { conditions: [{ type: 'Approved', status: 'True' }] }),
      await csrFor('issued', nodeSubject('n1'), {}, { certificate: 'eA==' }),
    ];
    const s = await setUp(csrs, { 'system:bootstrap:abcdef': ['nodeclient'] });
    kit = s.kit;
    for (const csr of csrs) await s.controller.reconcile(csr.metadata.name!);
    await s.controller.reconcile('gone');
    expect(s.asked).toEqual([]);
    expect(kit.writes()).toEqual([]);
  });

  it('approves requests as they arrive through the informer', async () => {
    const s = await setUp([], { 'system:bootstrap:abcdef': ['nodeclient'] });
    kit = s.kit;
    await kit.client.create(certificatesigningrequests, undefined, await csrFor('late', nodeSubject('n2')));
    await kit.settle();
    while (s.controller.queue.len() > 0) await s.controller.processNext();
    expect(stored(kit, 'late').status?.conditions?.[0]).toMatchObject({ type: 'Approved', reason: 'AutoApproved' });
  });
});

describe('subjectAccessReviewCheck', () => {
  it("asks about the requester's user, uid, groups and extra creating the csr subresource, and takes status.allowed", async () => {
    const sent: SubjectAccessReview[] = [];
    const client = {
      create: async (_type: unknown, _ns: unknown, review: SubjectAccessReview) => {
        sent.push(review);
        return { ...review, status: { allowed: review.spec.user === 'system:node:n1' } } as KObject;
      },
    } as unknown as KubeClient;
    const check = subjectAccessReviewCheck(client);
    const csr = await csrFor('c', nodeSubject('n1'), { username: 'system:node:n1', uid: 'u-1', groups: ['system:nodes'], extra: { scope: ['a'] } });
    expect(await check(csr, 'selfnodeclient')).toBe(true);
    expect(await check({ ...csr, spec: { ...csr.spec, username: 'x' } }, 'nodeclient')).toBe(false);
    expect(sent[0]).toMatchObject({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'system:node:n1',
        uid: 'u-1',
        groups: ['system:nodes'],
        extra: { scope: ['a'] },
        resourceAttributes: { group: 'certificates.k8s.io', version: '*', resource: 'certificatesigningrequests', subresource: 'selfnodeclient', verb: 'create' },
      },
    });
  });
});
