import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlPlane, TestControllerManager, waitFor, type TestControlPlane } from '@skiff/testing';

// Real etcd + apiserver + the built skiff-controller-manager running only the root CA publisher, by PID.
const bin = path.join(__dirname, '..', 'bin', 'skiff-controller-manager.js');
// A self-signed P-256 CA made for this test with openssl.
const caPem = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUEvodI3MnobdNtp4L3ysCtN0j+LQwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNc2tpZmYtdGVzdC1jYTAgFw0yNjExMjIwNzMxMjVaGA8yMTI2
MTAyOTA3MzEyNVowGDEWMBQGA1UEAwwNc2tpZmYtdGVzdC1jYTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABFXeRapZiT9qqw9K2WSZ+aG4w4EzUsIWL4/SQ475n7a+
bCVvmLhmMQzKT1UC9zqQDB/l5yYnnwar/EgQDBoZWxyjUzBRMB0GA1UdDgQWBBQv
lXikqJJHDiCOisoq2RggZ68CvDAfBgNVHSMEGDAWgBQvlXikqJJHDiCOisoq2Rgg
Z68CvDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDelndi3u92
p3RqEopUwm2a1/5fRn5sQomaCHnoRZzBgAIgEOSCSdcKQhLQwm9Wi0Gcl7NP7ZUF
ilCGupp0jNvCraE=
-----END CERTIFICATE-----
`;

let cp: TestControlPlane;
let cm: TestControllerManager;
let dir: string;
let caFile: string;

async function api(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(cp.apiserver.url + apiPath, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const rootCAPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`;

async function published(ns: string): Promise<any> {
  return waitFor(
    async () => {
      const r = await api('GET', rootCAPath(ns));
      return r.status === 200 && r.body.data?.['ca.crt'] === caPem ? r.body : undefined;
    },
    { what: `kube-root-ca.crt with the CA in ${ns}`, timeoutMs: 10_000 },
  );
}

beforeAll(async () => {
  cp = await startControlPlane();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-root-ca-e2e-'));
  caFile = path.join(dir, 'ca.crt');
  fs.writeFileSync(caFile, caPem);
  cm = await TestControllerManager.start(cp, { args: ['--controllers=root-ca-cert-publisher', `--root-ca-file=${caFile}`] });
}, 60_000);

afterAll(async () => {
  await cm?.stop();
  await cp?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('skiff-controller-manager --root-ca-file', () => {
  it('publishes the CA in existing and new namespaces, with the description', async () => {
    const cmDefault = await published('default');
    expect(cmDefault.metadata.annotations['kubernetes.io/description']).toMatch(/^Contains a CA bundle that can be used to verify the kube-apiserver/);
    expect((await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } })).status).toBe(201);
    await published('fresh');
  });

  it('restores the data after an edit and recreates the ConfigMap after a delete', async () => {
    const current = await published('default');
    expect((await api('PUT', rootCAPath('default'), { ...current, data: { 'ca.crt': 'tampered' } })).status).toBe(200);
    await published('default');
    expect((await api('DELETE', rootCAPath('default'))).status).toBe(200);
    await published('default');
  });

  it('without the flag, leaves the publisher out and says so in one log line', async () => {
    const plain = await TestControllerManager.start(cp, { args: ['--controllers=*,-garbagecollector,-namespace,-serviceaccount,-podgc'] });
    try {
      await waitFor(() => plain.output.includes('controller is disabled: no --root-ca-file given'), { what: 'the disabled line' });
      expect(plain.output.match(/no --root-ca-file given/g)).toHaveLength(1);
    } finally {
      await plain.stop();
    }
  }, 30_000);

  it('exits 2 with one line for a file that holds no certificate', async () => {
    const junk = path.join(dir, 'junk.crt');
    fs.writeFileSync(junk, 'not a certificate\n');
    const child = spawn(process.execPath, [bin, `--root-ca-file=${junk}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe(`skiff-controller-manager: --root-ca-file: ${junk} holds no PEM certificate\n`);
  });
});
