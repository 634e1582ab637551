import type { CertificateSigningRequest, KObject, WatchEvent } from '@skiff/api';
import type { KubeClient, WatchStream } from '@skiff/client';
import { PkiError } from './errors';
import { requestNodeClientCertificate } from './node-client-certificate';
import { x509 } from './x509';

type CSR = CertificateSigningRequest;

/** A KubeClient stand-in: remembers the request it was sent and plays `script` to each watch, one list per watch. */
function scriptedClient(script: ((csr: CSR) => WatchEvent<CSR>[])[], afterWatch: (csr: CSR) => CSR = (c) => c) {
  const sent: CSR[] = [];
  const watches: unknown[] = [];
  let stored: CSR | undefined;
  const client = {
    async create(_t: unknown, _ns: unknown, obj: CSR) {
      sent.push(obj);
      stored = { ...obj, metadata: { ...obj.metadata, name: 'node-csr-abcde', resourceVersion: '10' } };
      return stored;
    },
    async get() {
      return stored;
    },
    watch(_t: unknown, _ns: unknown, opts: unknown): WatchStream<CSR> {
      watches.push(opts);
      const events = (script.shift() ?? (() => []))(stored!);
      stored = afterWatch(stored!);
      return {
        stop() {},
        async *[Symbol.asyncIterator]() {
          yield* events;
        },
      };
    },
  } as unknown as KubeClient;
  return { client, sent, watches };
}

const withStatus = (csr: CSR, status: CSR['status']): CSR => ({ ...csr, status });
const certificate = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

describe('requestNodeClientCertificate', () => {
  it('files a kubelet client request for the node and returns the certificate once it is issued', async () => {
    const { client, sent, watches } = scriptedClient([
      (csr) => [
        { type: 'MODIFIED', object: withStatus(csr, { conditions: [{ type: 'Approved', status: 'True' }] }) },
        { type: 'MODIFIED', object: withStatus(csr, { conditions: [{ type: 'Approved', status: 'True' }], certificate }) },
      ],
    ]);
    const got = await requestNodeClientCertificate(client, { nodeName: 'n1', expirationSeconds: 3600 });
    expect(got.csrName).toBe('node-csr-abcde');
    expect(got.certPem).toContain('BEGIN CERTIFICATE');
    expect(got.keyPem).toContain('BEGIN PRIVATE KEY');
    expect(sent[0]).toMatchObject({ metadata: { generateName: 'node-csr-' }, spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], expirationSeconds: 3600 } });
    const request = new x509.Pkcs10CertificateRequest(Buffer.from(sent[0].spec.request, 'base64').toString('utf8'));
    expect(request.subjectName.getField('CN')).toEqual(['system:node:n1']);
    expect(request.subjectName.getField('O')).toEqual(['system:nodes']);
    expect(watches[0]).toMatchObject({ fieldSelector: 'metadata.name=node-csr-abcde', resourceVersion: '10' });
  });

  it('watches again when a watch ends before the certificate comes', async () => {
    const { client, watches } = scriptedClient([() => []], (csr) => withStatus(csr, { conditions: [{ type: 'Approved', status: 'True' }], certificate }));
    expect((await requestNodeClientCertificate(client, { nodeName: 'n1' })).certPem).toContain('BEGIN CERTIFICATE');
    expect(watches).toHaveLength(1);
  });

  it('fails when the request is denied, fails or disappears', async () => {
    const denied = scriptedClient([(csr) => [{ type: 'MODIFIED', object: withStatus(csr, { conditions: [{ type: 'Denied', status: 'True', reason: 'KubectlDeny', message: 'no' }] }) }]]);
    await expect(requestNodeClientCertificate(denied.client, { nodeName: 'n1' })).rejects.toThrow('certificate signing request node-csr-abcde was denied: KubectlDeny no');
    const failed = scriptedClient([(csr) => [{ type: 'MODIFIED', object: withStatus(csr, { conditions: [{ type: 'Failed', status: 'True', reason: 'SignerValidationFailure' }] }) }]]);
    await expect(requestNodeClientCertificate(failed.client, { nodeName: 'n1' })).rejects.toThrow(PkiError);
    const deleted = scriptedClient([(csr) => [{ type: 'DELETED', object: csr as KObject as CSR }]]);
    await expect(requestNodeClientCertificate(deleted.client, { nodeName: 'n1' })).rejects.toThrow('was deleted before a certificate was issued');
  });

  it('gives up at its deadline', async () => {
    const { client } = scriptedClient([]);
    await expect(requestNodeClientCertificate(client, { nodeName: 'n1', timeoutMs: 50 })).rejects.toThrow('timed out after 0 s waiting for certificate signing request node-csr-abcde');
  });
});
