import fs from 'node:fs';
import os from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { ClusterCA, type IssuedCertificate } from '@skiff/pki';
import { Kubectl, startControlPlane, TestHollowKubelet, waitFor, type TestControlPlane, type TestPki } from '@skiff/testing';

jest.setTimeout(120_000);

// TLS on both sides of the kubelet API: a secure apiserver (Node,RBAC) that dials the kubelet with its client
// certificate, and a hollow kubelet (--runtime=fake) serving HTTPS with Webhook authorization through the apiserver.
let cp: TestControlPlane;
let pki: TestPki;
let kubelet: TestHollowKubelet;
let kubectl: Kubectl;
let stranger: IssuedCertificate;
let alice: IssuedCertificate;
let tokenDir: string;
const carolToken = 'carol-token-0123456789';

interface Reply {
  status: number;
  text: string;
}

function kubeletGet(urlPath: string, cert?: IssuedCertificate, token?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const req = https.request({ host: '127.0.0.1', port: kubelet.port, path: urlPath, headers, agent: false, ca: pki.ca.certPem, cert: cert?.certPem, key: cert?.keyPem }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function api(method: string, urlPath: string, body?: unknown): Promise<any> {
  const res = await fetch(`${cp.apiserver.url}${urlPath}`, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
  return JSON.parse(text);
}

beforeAll(async () => {
  tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-tls-tokens-'));
  const tokenFile = path.join(tokenDir, 'tokens.csv');
  fs.writeFileSync(tokenFile, `${carolToken},carol,uid-carol,"team-c"\n`);
  cp = await startControlPlane({ tls: true, apiserverArgs: [`--token-auth-file=${tokenFile}`] });
  pki = cp.pki!;
  kubelet = await TestHollowKubelet.start({ controlPlane: cp, tls: true, args: ['--node-status-update-frequency=1s', '--authentication-token-webhook'] });
  await kubelet.waitUntilReady();
  stranger = await (await ClusterCA.create()).issueClient({ commonName: 'kube-apiserver-kubelet-client', organizations: [] });
  alice = await pki.client('alice', ['team-a']);
  kubectl = new Kubectl(cp.apiserver.secureUrl);
  pki.writeKubeconfig(kubectl.kubeconfig, cp.apiserver.secureUrl, pki.admin, 'kubernetes-admin');
});

afterAll(async () => {
  kubectl?.cleanup();
  await kubelet?.stop();
  await cp?.stop();
  if (tokenDir) fs.rmSync(tokenDir, { recursive: true, force: true });
});

describe('the kubelet API over TLS', () => {
  it('is what the node reports: its HTTPS port in status.daemonEndpoints', async () => {
    const node = await api('GET', `/api/v1/nodes/${kubelet.nodeName}`);
    expect(node.status.daemonEndpoints.kubeletEndpoint.Port).toBe(kubelet.port);
  });

  it('refuses a request without a client certificate with 401', async () => {
    expect(await kubeletGet('/pods')).toEqual({ status: 401, text: 'Unauthorized\n' });
  });

  it('refuses a certificate from another CA with 401', async () => {
    expect(await kubeletGet('/pods', stranger)).toEqual({ status: 401, text: 'Unauthorized\n' });
  });

  it('answers a valid certificate whose user RBAC does not allow nodes/proxy with 403', async () => {
    expect(await kubeletGet('/pods', alice)).toEqual({ status: 403, text: 'Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)\n' });
  });

  it('authenticates a bearer token through a TokenReview, then authorizes its user; an unknown token is 401', async () => {
    expect(await kubeletGet('/pods', undefined, carolToken)).toEqual({ status: 403, text: 'Forbidden (user=carol, verb=get, resource=nodes, subresource=proxy)\n' });
    expect(await kubeletGet('/pods', undefined, 'not-a-token')).toEqual({ status: 401, text: 'Unauthorized\n' });
  });

  it("serves the apiserver's client certificate, which the default policy binds to system:kubelet-api-admin", async () => {
    const res = await kubeletGet('/pods', pki.apiserverKubeletClient);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).kind).toBe('PodList');
    expect((await kubeletGet('/stats/summary', pki.apiserverKubeletClient)).status).toBe(200);
  });

  it('lets a user RBAC grants nodes/stats read stats and nothing else', async () => {
    const role = { metadata: { name: 'stats-reader' }, rules: [{ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] }] };
    const binding = {
      metadata: { name: 'stats-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stats-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
    };
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', role);
    await api('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', binding);
    // A fresh user: no refusal of an earlier request is cached for them.
    const bob = await pki.client('bob');
    await waitFor(async () => {
      const sar = await api('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        spec: { user: 'bob', groups: ['system:authenticated'], resourceAttributes: { verb: 'get', resource: 'nodes', subresource: 'stats', name: kubelet.nodeName } },
      });
      return sar.status.allowed;
    }, { what: 'the stats-reader binding in the apiserver\'s RBAC cache' });
    expect((await kubeletGet('/stats/summary', bob)).status).toBe(200);
    expect((await kubeletGet('/pods', bob)).status).toBe(403);
  });
});

describe('through the apiserver', () => {
  it('kubectl logs reaches the kubelet over HTTPS with the apiserver\'s client certificate', async () => {
    await api('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'web' },
      spec: { nodeName: kubelet.nodeName, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
    });
    const pod = await waitFor(async () => {
      const p = await api('GET', '/api/v1/namespaces/default/pods/web');
      return p.status?.phase === 'Running' ? p : undefined;
    }, { what: 'pod web to run on the hollow node' });
    // The hollow runtime runs no process; the log is the file a container runtime would write.
    const logFile = path.join(kubelet.podLogsDir, `default_web_${pod.metadata.uid}`, 'app', '0.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.writeFileSync(logFile, `${new Date().toISOString()} stdout F served over TLS\n`);
    const out = await kubectl.run(['logs', 'web']);
    expect([out.code, out.stdout, out.stderr]).toEqual([0, 'served over TLS\n', '']);
  });

  it('kubectl get --raw on nodes/<node>/proxy reaches the kubelet too', async () => {
    const out = await kubectl.ok(['get', '--raw', `/api/v1/nodes/${kubelet.nodeName}/proxy/pods`]);
    expect(JSON.parse(out).items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain('web');
  });
});
