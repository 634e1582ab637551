import * as crypto from 'node:crypto';
import { ClusterCA } from './cluster-ca';
import { clusterInfoKubeconfig, readClusterInfoKubeconfig, signClusterInfo, trustedClusterInfo, verifyClusterInfoSignature } from './cluster-info';
import { PkiError } from './errors';
import { caCertHash } from './request-signing';

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

describe('cluster-info signatures', () => {
  const content = 'apiVersion: v1\nkind: Config\n';

  it("is Kubernetes' detached HS256 JWS: the header with the token id as kid, no payload, keyed by the token secret", async () => {
    const jws = await signClusterInfo(content, 'abcdef', '0123456789abcdef');
    const header = b64url('{"alg":"HS256","kid":"abcdef"}');
    const mac = crypto.createHmac('sha256', '0123456789abcdef').update(`${header}.${b64url(content)}`).digest();
    expect(jws).toBe(`${header}..${b64url(mac)}`);
  });

  it('verifies with the token that signed it and with no other', async () => {
    const jws = await signClusterInfo(content, 'abcdef', '0123456789abcdef');
    expect(await verifyClusterInfoSignature(content, jws, 'abcdef', '0123456789abcdef')).toBe(true);
    expect(await verifyClusterInfoSignature(content, jws, 'abcdef', 'fedcba9876543210')).toBe(false);
    expect(await verifyClusterInfoSignature(content, jws, 'zzzzzz', '0123456789abcdef')).toBe(false);
    expect(await verifyClusterInfoSignature(content + ' ', jws, 'abcdef', '0123456789abcdef')).toBe(false);
    expect(await verifyClusterInfoSignature(content, 'not-a-jws', 'abcdef', '0123456789abcdef')).toBe(false);
  });

  it('refuses a signature made with another algorithm', async () => {
    const header = b64url('{"alg":"none","kid":"abcdef"}');
    expect(await verifyClusterInfoSignature(content, `${header}..`, 'abcdef', '0123456789abcdef')).toBe(false);
  });
});

describe('the cluster-info kubeconfig', () => {
  it('holds one unnamed cluster with the server and CA, and reads back', async () => {
    const ca = await ClusterCA.create();
    const text = clusterInfoKubeconfig('https://10.0.0.1:6443', ca.certPem);
    expect(text).toContain('kind: Config');
    expect(text).toContain('name: ""');
    expect(readClusterInfoKubeconfig(text)).toEqual({ server: 'https://10.0.0.1:6443', caPem: ca.certPem });
  });

  it('refuses plain HTTP, a missing CA and a kubeconfig without a cluster', () => {
    expect(() => clusterInfoKubeconfig('http://x', '-----BEGIN CERTIFICATE-----')).toThrow(PkiError);
    expect(() => clusterInfoKubeconfig('https://x', 'nope')).toThrow(PkiError);
    expect(() => readClusterInfoKubeconfig('kind: Config\n')).toThrow('no cluster');
  });
});

describe('trustedClusterInfo', () => {
  const token = { id: 'abcdef', secret: '0123456789abcdef' };
  let ca: ClusterCA;
  let data: Record<string, string>;
  beforeAll(async () => {
    ca = await ClusterCA.create();
    const kubeconfig = clusterInfoKubeconfig('https://10.0.0.1:6443', ca.certPem);
    data = { kubeconfig, 'jws-kubeconfig-abcdef': await signClusterInfo(kubeconfig, token.id, token.secret) };
  });

  it('trusts the server and CA when the token signed them and the CA matches a pin', async () => {
    expect(await trustedClusterInfo(data, token, [caCertHash(ca.certPem)])).toEqual({ server: 'https://10.0.0.1:6443', caPem: ca.certPem });
    expect(await trustedClusterInfo(data, token)).toEqual({ server: 'https://10.0.0.1:6443', caPem: ca.certPem });
  });

  it('refuses a token that signed nothing, a signature that does not verify, and a CA that is not pinned', async () => {
    await expect(trustedClusterInfo(data, { id: 'zzzzzz', secret: token.secret })).rejects.toThrow('This token id "zzzzzz" is invalid for this cluster');
    await expect(trustedClusterInfo(data, { id: token.id, secret: 'fedcba9876543210' })).rejects.toThrow("can't trust this API Server");
    const tampered = { ...data, kubeconfig: clusterInfoKubeconfig('https://evil.example:6443', ca.certPem) };
    await expect(trustedClusterInfo(tampered, token)).rejects.toThrow("can't trust this API Server");
    const other = await ClusterCA.create();
    await expect(trustedClusterInfo(data, token, [caCertHash(other.certPem)])).rejects.toThrow('is not one of the pinned');
    await expect(trustedClusterInfo(undefined, token)).rejects.toThrow('has no kubeconfig entry');
  });
});
