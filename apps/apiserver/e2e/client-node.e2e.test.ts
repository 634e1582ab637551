import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startControlPlane, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(120_000);

let cp: TestControlPlane;
let dir: string;

beforeAll(async () => {
  cp = await startControlPlane();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-client-node-'));
  fs.writeFileSync(
    path.join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters: [{name: s, cluster: {server: "${cp.apiserver.url}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: s, context: {cluster: s, user: u}}]\ncurrent-context: s\n`,
  );
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await cp?.stop();
});

// @kubernetes/client-node is ESM-only; it runs in a child node process and reports what it saw as JSON.
// (Its 1.x line refuses plain http unless the cluster says insecure-skip-tls-verify, hence that kubeconfig line.)
function runClientNode(): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'client-node', 'client-node-check.mjs')], { env: { ...process.env, KUBECONFIG: path.join(dir, 'kubeconfig') }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`client-node script failed: ${err.message}\n${stdout}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

describe('@kubernetes/client-node against skiff-apiserver', () => {
  it('lists, creates, patches and keeps an informer in sync', async () => {
    const out = await runClientNode();
    expect(out.namespaces).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
    expect(out.created).toMatchObject({ name: 'from-client-node', uid: true });
    expect(out.patched).toEqual({ v: '2' });
    expect(out.deployment).toEqual({ replicas: 1, strategy: 'RollingUpdate' });
    expect(out.informer).toEqual(['add:from-client-node', 'update:from-client-node:2', 'delete:from-client-node']);
    expect(out.cacheHas).not.toContain('from-client-node');
  });
});
