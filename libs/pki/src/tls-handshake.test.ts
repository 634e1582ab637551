import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ClusterCA, type IssuedCertificate } from './cluster-ca';
import { identityFromCertificate, identityFromTlsSocket } from './identity';

// A real TLS server on loopback with the CA's serving certificate, in the apiserver's mode: client certificates are
// asked for but a bad one does not end the handshake, the request just carries no identity.
let ca: ClusterCA;
let otherCa: ClusterCA;
let serving: IssuedCertificate;
let server: https.Server;
let port: number;

interface Seen {
  authorized: boolean;
  authorizationError: string | null;
  identity: ReturnType<typeof identityFromTlsSocket>;
}

beforeAll(async () => {
  ca = await ClusterCA.create();
  otherCa = await ClusterCA.create();
  serving = await ca.issueServing({ commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes'], ipAddresses: ['127.0.0.1'] });
  server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const seen: Seen = {
      authorized: socket.authorized,
      authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
      identity: identityFromTlsSocket(socket),
    };
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(seen));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function get(opts: https.RequestOptions): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', agent: false, ...opts }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(JSON.parse(body) as Seen));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS with the cluster CA', () => {
  it('lets a client that trusts the CA verify the server and shows the server the client certificate identity', async () => {
    const admin = await ca.issueClient({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    const seen = await get({ ca: ca.certPem, cert: admin.certPem, key: admin.keyPem });
    expect(seen).toEqual({ authorized: true, authorizationError: null, identity: { user: 'kubernetes-admin', groups: ['system:masters'] } });

    const node = await ca.issueClient({ commonName: 'system:node:n1', organizations: ['system:nodes', 'team-a'] });
    expect((await get({ ca: ca.certPem, cert: node.certPem, key: node.keyPem, servername: 'kubernetes' })).identity).toEqual({
      user: 'system:node:n1',
      groups: ['system:nodes', 'team-a'],
    });
  });

  it('serves a client without a certificate, which then has no identity', async () => {
    expect(await get({ ca: ca.certPem })).toEqual({ authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT', identity: undefined });
  });

  it('gives no identity for a client certificate from another CA', async () => {
    const stranger = await otherCa.issueClient({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    const seen = await get({ ca: ca.certPem, cert: stranger.certPem, key: stranger.keyPem });
    expect(seen.authorized).toBe(false);
    expect(seen.authorizationError).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    expect(seen.identity).toBeUndefined();
  });

  it('gives no identity for an expired client certificate', async () => {
    const expired = await ca.issueClient({
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      notBefore: new Date(Date.now() - 2 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const seen = await get({ ca: ca.certPem, cert: expired.certPem, key: expired.keyPem });
    expect(seen).toEqual({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED', identity: undefined });
  });

  it('refuses the handshake outright where the server rejects unauthorized clients', async () => {
    const strict = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (_req, res) =>
      res.end('in'),
    );
    await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
    const strictPort = (strict.address() as AddressInfo).port;
    const fetchText = (opts: https.RequestOptions) =>
      new Promise<string>((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port: strictPort, agent: false, ca: ca.certPem, ...opts }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const good = await ca.issueClient({ commonName: 'u' });
      const stranger = await otherCa.issueClient({ commonName: 'u' });
      const expired = await ca.issueClient({ commonName: 'u', notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000) });
      expect(await fetchText({ cert: good.certPem, key: good.keyPem })).toBe('in');
      // Node checks the chain once the handshake is over and then destroys the socket, so the client sees a reset;
      // the reasons (other CA, expired) are those the lenient server above reports.
      await expect(fetchText({ cert: stranger.certPem, key: stranger.keyPem })).rejects.toThrow(/socket hang up/);
      await expect(fetchText({ cert: expired.certPem, key: expired.keyPem })).rejects.toThrow(/socket hang up/);
      await expect(fetchText({})).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    } finally {
      await new Promise((resolve) => strict.close(resolve));
    }
  });

  it('lets a client refuse a server whose certificate is from another CA or does not name the host dialled', async () => {
    // Both CAs are named CN=skiff-ca, so OpenSSL finds the trusted one by name and then fails on its signature.
    await expect(get({ ca: otherCa.certPem })).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE/) });
    await expect(get({ ca: ca.certPem, servername: 'example.com' })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const viaName = await get({ host: 'localhost', family: 4, ca: ca.certPem });
    expect(viaName.identity).toBeUndefined();
  });
});

describe('identityFromCertificate', () => {
  it('reads CN as the user and O (one or many) as groups, and nothing from an empty certificate', () => {
    expect(identityFromCertificate({ subject: { CN: 'u', O: 'g' } } as never)).toEqual({ user: 'u', groups: ['g'] });
    expect(identityFromCertificate({ subject: { CN: 'u', O: ['g', 'h'] } } as never)).toEqual({ user: 'u', groups: ['g', 'h'] });
    expect(identityFromCertificate({ subject: { CN: 'u' } } as never)).toEqual({ user: 'u', groups: [] });
    expect(identityFromCertificate({ subject: { O: 'g' } } as never)).toBeUndefined();
    expect(identityFromCertificate({} as never)).toBeUndefined();
    expect(identityFromCertificate(undefined)).toBeUndefined();
  });
});
