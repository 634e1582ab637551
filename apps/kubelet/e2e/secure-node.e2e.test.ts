import https from 'node:https';
import { startTestNode, type TestNode } from './node-fixture';

// A real node with TLS on both sides of the kubelet API: the apiserver dials the kubelet over HTTPS with its
// client certificate, and the kubelet authorizes it through a SubjectAccessReview. kubectl logs and exec (a
// WebSocket upgrade through both) work; the kubelet refuses anyone without a certificate from the cluster CA.
jest.setTimeout(180_000);

const POD_CIDR = '10.244.209.0/24';
const BRIDGE = 'skkl209';

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ podCIDR: POD_CIDR, bridge: BRIDGE, tls: true });
});

afterAll(async () => {
  await node?.stop();
});

function kubeletStatus(path: string, cert?: { certPem: string; keyPem: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: node.kubelet.port, path, agent: false, ca: node.cp.pki!.ca.certPem, cert: cert?.certPem, key: cert?.keyPem }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a node serving the kubelet API over TLS', () => {
  it('runs a pod whose logs and exec reach it through the apiserver', async () => {
    await node.apply(
      'secure',
      `apiVersion: v1
kind: Pod
metadata: {name: secure}
spec:
  containers:
  - name: c
    image: busybox
    command: [sh, -c, 'echo hello over tls; sleep 3600']
`,
    );
    await node.waitForPod('secure', (p) => p.status?.phase === 'Running', 'Running');
    expect(await node.kubectl.ok(['logs', 'secure'])).toBe('hello over tls\n');
    expect(await node.kubectl.run(['exec', '-i', 'secure', '--', 'cat'], { stdin: 'typed\n' })).toEqual({ code: 0, stdout: 'typed\n', stderr: '' });
  });

  it('answers 401 without a certificate and 200 to the apiserver\'s', async () => {
    expect(await kubeletStatus('/pods')).toBe(401);
    expect(await kubeletStatus('/pods', node.cp.pki!.apiserverKubeletClient)).toBe(200);
  });
});
