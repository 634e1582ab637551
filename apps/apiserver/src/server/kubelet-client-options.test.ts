import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kubeletClientFromFlags } from './kubelet-client-options';

let dir: string;
const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-client-'));
  for (const f of ['client.crt', 'client.key', 'ca.crt']) fs.writeFileSync(path.join(dir, f), pem);
  fs.writeFileSync(path.join(dir, 'not-pem'), 'hello');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => path.join(dir, name);

describe('kubeletClientFromFlags', () => {
  it('dials kubelets over plain HTTP without a client certificate', () => {
    expect(kubeletClientFromFlags({})).toEqual({});
  });

  it('takes the client certificate, key and CA', () => {
    expect(kubeletClientFromFlags({ kubeletClientCertificate: file('client.crt'), kubeletClientKey: file('client.key'), kubeletCertificateAuthority: file('ca.crt') })).toEqual({
      tls: { certPem: pem, keyPem: pem, caPem: pem },
    });
    expect(kubeletClientFromFlags({ kubeletClientCertificate: file('client.crt'), kubeletClientKey: file('client.key') }).tls?.caPem).toBeUndefined();
  });

  it('takes the preferred address types in order', () => {
    expect(kubeletClientFromFlags({ kubeletPreferredAddressTypes: 'Hostname, InternalIP' })).toEqual({ preferredAddressTypes: ['Hostname', 'InternalIP'] });
  });

  it.each([
    [{ kubeletClientCertificate: '/x/c.crt' }, /go together/],
    [{ kubeletCertificateAuthority: '/x/ca.crt' }, /needs --kubelet-client-certificate/],
    [{ kubeletPreferredAddressTypes: 'InternalIP,Public' }, /unknown type "Public"/],
    [{ kubeletPreferredAddressTypes: ',' }, /empty/],
    [{ kubeletClientCertificate: '/nonexistent/c.crt', kubeletClientKey: '/nonexistent/c.key' }, /--kubelet-client-certificate \/nonexistent\/c.crt: no such file/],
  ])('refuses %o', (flags, message) => {
    expect(() => kubeletClientFromFlags(flags)).toThrow(message);
  });

  it('refuses a file that is not PEM', () => {
    expect(() => kubeletClientFromFlags({ kubeletClientCertificate: file('not-pem'), kubeletClientKey: file('client.key') })).toThrow(/not a PEM file/);
  });
});
