import * as crypto from 'node:crypto';
import { certificatesigningrequests, issuedCertificatePem, type CertificateSigningRequest } from '@skiff/api';
import { silentLogger } from '@skiff/logging';
import { ClusterCA } from '@skiff/pki';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { approved, csrFor, nodeSubject } from '../csrapproving/csr-fixtures';
import { CSRSigningController } from './csrsigning-controller';
import { certificateDurationMs } from './reconcile';

const hourMs = 3600_000;
let ca: ClusterCA;
beforeAll(async () => {
  ca = await ClusterCA.create({ now: new Date('2024-01-01T00:00:00Z') });
});

const contextFrom = (kit: ControllerTestKit, signingCA: ClusterCA | undefined): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: { ...defaultControllerOptions, signingCA, clusterSigningDurationMs: 24 * hourMs },
});
const stored = (kit: ControllerTestKit, name: string) => kit.client.tracker.get(certificatesigningrequests, undefined, name) as CertificateSigningRequest;

async function setUp(...csrs: CertificateSigningRequest[]) {
  const kit = new ControllerTestKit();
  kit.seed(certificatesigningrequests, ...csrs);
  const controller = new CSRSigningController(contextFrom(kit, ca));
  await kit.start();
  return { kit, controller };
}

describe('the CSR signer', () => {
  let kit: ControllerTestKit | undefined;
  afterEach(() => kit?.stop());

  it('issues an approved node client request a certificate from the cluster CA for the requester key, subject and usages', async () => {
    const csr = await csrFor('node-csr', nodeSubject('n1'), {}, approved);
    const s = await setUp(csr);
    kit = s.kit;
    await s.controller.reconcile('node-csr');
    expect(kit.writes()).toEqual(['update certificatesigningrequests/status']);
    const cert = new crypto.X509Certificate(issuedCertificatePem(stored(kit, 'node-csr')));
    expect(cert.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.issuer).toBe('CN=skiff-ca');
    expect(cert.checkPrivateKey(crypto.createPrivateKey(csr.keyPem))).toBe(true);
    expect(cert.subject.split('\n').sort()).toEqual(['CN=system:node:n1', 'O=system:nodes']);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.ca).toBe(false);
    // --cluster-signing-duration (24 h here), backdated five minutes at both ends.
    expect(new Date(cert.validFrom).toISOString()).toBe('2024-05-01T09:55:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2024-05-02T09:55:00.000Z');
    expect(stored(kit, 'node-csr').status?.conditions).toEqual(approved.conditions);
  });

  it('honours a shorter spec.expirationSeconds, but never beyond the signing duration', async () => {
    const short = await csrFor('short', nodeSubject('n1'), { expirationSeconds: 3600 }, approved);
    const long = await csrFor('long', nodeSubject('n1'), { expirationSeconds: 7 * 24 * 3600 }, approved);
    const s = await setUp(short, long);
    kit = s.kit;
    await s.controller.reconcile('short');
    await s.controller.reconcile('long');
    const validity = (name: string) => {
      const cert = new crypto.X509Certificate(issuedCertificatePem(stored(kit!, name)));
      return Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    };
    expect(validity('short')).toBe(hourMs + 5 * 60_000);
    expect(validity('long')).toBe(24 * hourMs);
    expect(certificateDurationMs({ ...short, spec: { ...short.spec, expirationSeconds: 60 } }, 24 * hourMs)).toBe(10 * 60_000);
  });

  it('signs kubelet serving requests with their alternative names, and client certificates for any user', async () => {
    const serving = await csrFor('serving', { ...nodeSubject('n1'), dnsNames: ['n1'], ipAddresses: ['10.0.0.5'] }, { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'key encipherment', 'server auth'] }, approved);
    const client = await csrFor('alice', { commonName: 'alice', organizations: ['devs'] }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 600 }, approved);
    const s = await setUp(serving, client);
    kit = s.kit;
    await s.controller.reconcile('serving');
    await s.controller.reconcile('alice');
    const servingCert = new crypto.X509Certificate(issuedCertificatePem(stored(kit, 'serving')));
    expect(servingCert.subjectAltName).toBe('DNS:n1, IP Address:10.0.0.5');
    expect(servingCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(new crypto.X509Certificate(issuedCertificatePem(stored(kit, 'alice'))).subject.split('\n').sort()).toEqual(['CN=alice', 'O=devs']);
  });

  it('marks requests its signer refuses Failed with SignerValidationFailure and issues nothing', async () => {
    const cases = [
      await csrFor('server-usage', { commonName: 'alice' }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth', 'server auth'] }, approved),
      await csrFor('no-client-auth', { commonName: 'alice' }, { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['digital signature'] }, approved),
      await csrFor('not-nodes', { commonName: 'system:node:n1', organizations: ['system:masters'] }, {}, approved),
      await csrFor('serving-without-san', nodeSubject('n1'), { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] }, approved),
    ];
    const s = await setUp(...cases);
    kit = s.kit;
    for (const c of cases) await s.controller.reconcile(c.metadata.name!);
    const failure = (name: string) => stored(kit!, name).status?.conditions?.find((c) => c.type === 'Failed');
    expect(failure('server-usage')).toMatchObject({ status: 'True', reason: 'SignerValidationFailure', message: 'invalid usage for client certificate: server auth' });
    expect(failure('no-client-auth')?.message).toBe('missing required usage for client certificate: client auth');
    expect(failure('not-nodes')?.message).toBe('subject organization is not system:nodes');
    expect(failure('serving-without-san')?.message).toBe('DNS or IP subjectAltName is required');
    for (const c of cases) expect(stored(kit, c.metadata.name!).status?.certificate).toBeUndefined();
    // A failed request is not looked at again.
    kit.client.clearActions();
    await s.controller.reconcile('server-usage');
    expect(kit.writes()).toEqual([]);
  });

  it('leaves pending, denied, issued and other signers\u2019 requests alone', async () => {
    const cases = [
      await csrFor('pending', nodeSubject('n1')),
      await csrFor('denied', nodeSubject('n1'), {}, { conditions: [{ type: 'Denied', status: 'True' }] }),
      await csrFor('issued', nodeSubject('n1'), {}, { ...approved, certificate: 'eA==' }),
      await csrFor('elsewhere', { commonName: 'x' }, { signerName: 'example.com/signer', usages: ['client auth'] }, approved),
    ];
    const s = await setUp(...cases);
    kit = s.kit;
    for (const c of cases) await s.controller.reconcile(c.metadata.name!);
    expect(kit.writes()).toEqual([]);
  });

  it('refuses to be built without a CA', () => {
    expect(() => new CSRSigningController(contextFrom(new ControllerTestKit(), undefined))).toThrow('--cluster-signing-cert-file');
  });
});
