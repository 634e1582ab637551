import { ClusterCA } from '@skiff/pki';
import { FakeKubelet, startControlPlane, TestApiserver, type TestControlPlane } from '@skiff/testing';
import WebSocket from 'ws';
import { call } from './http';

jest.setTimeout(120_000);

// The apiserver as the kubelets' TLS client: --kubelet-client-certificate/--kubelet-client-key, and the serving
// certificate verified against --kubelet-certificate-authority when given, not at all otherwise.
let cp: TestControlPlane;
let unverifying: TestApiserver;
let kubelet: FakeKubelet;
let foreignKubelet: FakeKubelet;

const pods = '/api/v1/namespaces/default/pods';

async function mustCall(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const r = await call(base, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  cp = await startControlPlane({ tls: true });
  const pki = cp.pki!;
  const { serving } = await pki.node('tls-node');
  kubelet = new FakeKubelet({ tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: pki.ca.certPem } });
  await kubelet.start();
  await kubelet.registerNode(cp.apiserver.url, 'tls-node');
  // A kubelet whose serving certificate comes from a CA the apiserver does not know.
  const foreign = await (await ClusterCA.create()).issueServing({ commonName: 'system:node:foreign-node', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  foreignKubelet = new FakeKubelet({ tls: { certPem: foreign.certPem, keyPem: foreign.keyPem, clientCaPem: pki.ca.certPem } });
  await foreignKubelet.start();
  await foreignKubelet.registerNode(cp.apiserver.url, 'foreign-node');
  const pod = (name: string, nodeName: string) => ({ metadata: { name }, spec: { nodeName, containers: [{ name: 'app', image: 'busybox' }] } });
  await mustCall(cp.apiserver.url, 'POST', pods, pod('web', 'tls-node'));
  await mustCall(cp.apiserver.url, 'POST', pods, pod('far', 'foreign-node'));
  // The same client certificate, without --kubelet-certificate-authority.
  unverifying = await TestApiserver.start({
    etcdEndpoint: cp.etcd.endpoint,
    extraArgs: [`--kubelet-client-certificate=${pki.apiserverKubeletClient.certFile}`, `--kubelet-client-key=${pki.apiserverKubeletClient.keyFile}`],
  });
});

afterAll(async () => {
  await unverifying?.stop();
  await kubelet?.stop();
  await foreignKubelet?.stop();
  await cp?.stop();
});

const last = (k: FakeKubelet) => k.requests[k.requests.length - 1];

describe('with --kubelet-certificate-authority', () => {
  it('streams logs over HTTPS, presenting the kube-apiserver-kubelet-client certificate', async () => {
    const r = await call(cp.apiserver.url, 'GET', `${pods}/web/log`);
    expect([r.status, r.text]).toEqual([200, 'line one\nline two\n']);
    expect(last(kubelet)).toMatchObject({ path: '/containerLogs/default/web/app', clientCommonName: 'kube-apiserver-kubelet-client' });
  });

  it('joins exec WebSockets through a TLS upgrade to the kubelet', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${cp.apiserver.url.replace('http', 'ws')}${pods}/web/exec?command=echo&command=over-tls&stdout=true`, ['v5.channel.k8s.io']);
      let stdout = '';
      ws.on('message', (data: Buffer) => {
        if (data[0] === 1) stdout += data.subarray(1).toString();
      });
      ws.on('close', () => resolve(stdout));
      ws.on('error', reject);
    });
    expect(out).toBe('over-tls\n');
    expect(last(kubelet)).toMatchObject({ path: '/exec/default/web/app', clientCommonName: 'kube-apiserver-kubelet-client' });
  });

  it('proxies nodes/<node>/proxy over HTTPS', async () => {
    const r = await call(cp.apiserver.url, 'GET', '/api/v1/nodes/tls-node/proxy/healthz');
    expect([r.status, r.text, r.headers.get('x-fake-kubelet')]).toEqual([200, 'ok', 'yes']);
  });

  it('refuses a kubelet whose serving certificate the CA did not sign', async () => {
    const r = await call(cp.apiserver.url, 'GET', `${pods}/far/log`);
    expect(r.status).toBe(500);
    expect(r.body.message).toMatch(/^error dialing backend: .*(self[- ]signed|unable to verify|unable to get local issuer)/i);
    expect(foreignKubelet.requests).toEqual([]);
  });
});

describe('without --kubelet-certificate-authority', () => {
  it('does not verify the kubelet, as Kubernetes does, and still presents its certificate', async () => {
    const r = await call(unverifying.url, 'GET', `${pods}/far/log`);
    expect([r.status, r.text]).toEqual([200, 'line one\nline two\n']);
    expect(last(foreignKubelet)).toMatchObject({ path: '/containerLogs/default/far/app', clientCommonName: 'kube-apiserver-kubelet-client' });
  });
});
