import { certificatesigningrequests, parseCertificateRequest, type CertificateSigningRequest } from '@skiff/api';
import { silentLogger } from '@skiff/logging';
import { ClusterCA, createCertificateRequest } from '@skiff/pki';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { CSRCleaner } from './csrcleaner-controller';

// The kit's clock starts at 2024-05-01T10:00:00Z.
const csr = (name: string, created: string, status?: CertificateSigningRequest['status']): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name, uid: `uid-${name}`, creationTimestamp: created },
  spec: { request: '', signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
  ...(status ? { status } : {}),
});
const condition = (type: string, lastUpdateTime: string) => ({ type, status: 'True', lastUpdateTime });
const contextFrom = (kit: ControllerTestKit): ControllerContext => ({
  client: kit.client,
  informers: kit.informers,
  recorder: () => kit.recorder,
  clock: kit.clock,
  logger: silentLogger(),
  options: defaultControllerOptions,
});
const exists = (kit: ControllerTestKit, name: string) => kit.client.tracker.get(certificatesigningrequests, undefined, name) !== undefined;

async function drain(c: CSRCleaner): Promise<void> {
  while (c.queue.len() > 0) await c.processNext();
}

describe('the CSR cleaner', () => {
  let kit: ControllerTestKit;
  let controller: CSRCleaner;
  let shortCertificate: string;

  beforeAll(async () => {
    const ca = await ClusterCA.create({ now: new Date('2024-01-01T00:00:00Z') });
    const { csrPem } = await createCertificateRequest({ commonName: 'x' });
    const spki = parseCertificateRequest(csrPem).publicKeySpki;
    // Valid 09:55..10:30 on the kit's day: expires half an hour after the clock starts.
    const pem = await ca.signRequest({ publicKeySpki: spki, commonName: 'x', usages: ['client auth'], durationMs: 30 * 60_000, now: new Date('2024-05-01T10:00:00Z') });
    shortCertificate = Buffer.from(pem).toString('base64');
  });

  beforeEach(async () => {
    kit = new ControllerTestKit();
    kit.seed(
      certificatesigningrequests,
      csr('pending-old', '2024-04-30T09:00:00Z'),
      csr('pending-new', '2024-05-01T09:00:00Z'),
      csr('denied-old', '2024-05-01T08:00:00Z', { conditions: [condition('Denied', '2024-05-01T08:30:00Z')] }),
      csr('denied-new', '2024-05-01T09:30:00Z', { conditions: [condition('Denied', '2024-05-01T09:40:00Z')] }),
      csr('failed-old', '2024-05-01T08:00:00Z', { conditions: [condition('Approved', '2024-05-01T08:10:00Z'), condition('Failed', '2024-05-01T08:20:00Z')] }),
      csr('approved-unissued', '2024-05-01T07:00:00Z', { conditions: [condition('Approved', '2024-05-01T07:10:00Z')] }),
      csr('issued-new', '2024-05-01T09:50:00Z', { conditions: [condition('Approved', '2024-05-01T09:50:00Z')], certificate: shortCertificate }),
    );
    controller = new CSRCleaner(contextFrom(kit));
    await kit.start();
    await drain(controller);
  });
  afterEach(() => kit.stop());

  it('deletes requests pending for a day, and denied or failed ones after an hour', () => {
    expect(kit.writeActions().map((a) => [a.verb, a.name, a.deleteOptions?.preconditions?.uid]).sort()).toEqual([
      ['delete', 'denied-old', 'uid-denied-old'],
      ['delete', 'failed-old', 'uid-failed-old'],
      ['delete', 'pending-old', 'uid-pending-old'],
    ]);
    for (const kept of ['pending-new', 'denied-new', 'approved-unissued', 'issued-new']) expect(exists(kit, kept)).toBe(true);
  });

  it('deletes the others when their time comes: an expired certificate first, then an hour after denial', async () => {
    await kit.clock.advance(30 * 60_000);
    await drain(controller);
    expect(exists(kit, 'issued-new')).toBe(false);
    expect(exists(kit, 'denied-new')).toBe(true);
    await kit.clock.advance(10 * 60_000);
    await drain(controller);
    expect(exists(kit, 'denied-new')).toBe(false);
    // Approved but never issued is left for the signer, as in Kubernetes.
    expect(exists(kit, 'approved-unissued')).toBe(true);
  });
});
