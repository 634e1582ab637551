import type { CertificateSigningRequest, KObject } from '@skiff/api';
import { csrStrategy } from './csr-strategy';

type CSR = CertificateSigningRequest & KObject;
const csr = (spec: Partial<CSR['spec']> = {}, status?: CSR['status']): CSR => ({
  metadata: { name: 'c' },
  spec: { request: 'cmVx', signerName: 'example.com/s', usages: ['client auth'], ...spec },
  ...(status ? { status } : {}),
});

describe('the CSR strategy', () => {
  it('sets the requester from the authenticated user, whatever the client sent', () => {
    const forged = csr({ username: 'system:admin', uid: 'forged', groups: ['system:masters'], extra: { x: ['y'] } });
    csrStrategy.prepareForCreate!(forged, { name: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a', 'b'] } });
    expect(forged.spec).toMatchObject({ username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a', 'b'] } });
    const plain = csr({ uid: 'forged', extra: { x: ['y'] } });
    csrStrategy.prepareForCreate!(plain, { name: 'bob', groups: [] });
    expect(plain.spec.uid).toBeUndefined();
    expect(plain.spec.extra).toBeUndefined();
  });

  it('keeps spec as stored on updates of the main resource', () => {
    const next = csr({ signerName: 'example.com/other', usages: ['server auth'] });
    csrStrategy.prepareForUpdate!(next, csr({ username: 'alice' }));
    expect(next.spec).toEqual(csr({ username: 'alice' }).spec);
  });

  it('lets status change the certificate and other conditions but puts the stored Approved condition back', () => {
    const old = csr({}, { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', lastUpdateTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' }] });
    const sent = csr({ signerName: 'example.com/x' }, { conditions: [{ type: 'Approved', status: 'True', reason: 'Rewritten' }, { type: 'Failed', status: 'True', reason: 'Oops' }], certificate: 'Y2VydA==' });
    const next = csrStrategy.prepareForSubresourceUpdate!('status', sent, old) as CSR;
    expect(next.spec.signerName).toBe('example.com/s');
    expect(next.status?.certificate).toBe('Y2VydA==');
    expect(next.status?.conditions?.[0]).toEqual(old.status!.conditions![0]);
    expect(next.status?.conditions?.[1]).toMatchObject({ type: 'Failed', reason: 'Oops', lastUpdateTime: expect.any(String), lastTransitionTime: expect.any(String) });
  });

  it('lets approval change only the conditions, stamping new ones', () => {
    const old = csr({}, { certificate: 'b2xk' });
    const sent = csr({}, { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }], certificate: 'bmV3' });
    const next = csrStrategy.prepareForSubresourceUpdate!('approval', sent, old) as CSR;
    expect(next.status?.certificate).toBe('b2xk');
    expect(next.status?.conditions?.[0]).toMatchObject({ type: 'Approved', lastUpdateTime: expect.stringMatching(/Z$/), lastTransitionTime: expect.stringMatching(/Z$/) });
    expect(csrStrategy.prepareForSubresourceUpdate!('finalize', sent, old)).toBeUndefined();
  });
});
