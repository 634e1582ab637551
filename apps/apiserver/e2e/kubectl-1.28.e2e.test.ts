import { Kubectl, kubectlBinary, startControlPlane, type TestControlPlane } from '@skiff/testing';

jest.setTimeout(120_000);

// kubectl 1.28 predates aggregated discovery v2 (it asks for v2beta1 and gets legacy discovery from Skiff) and
// reads only the protobuf /openapi/v2: for field validation (the server's, through the PATCH operations) and merge keys.
let cp: TestControlPlane;
let k: Kubectl;

beforeAll(async () => {
  cp = await startControlPlane();
  k = new Kubectl(cp.apiserver.url, kubectlBinary('1.28'));
});
afterAll(async () => {
  k?.cleanup();
  await cp?.stop();
});

describe('kubectl 1.28 against skiff-apiserver', () => {
  it('discovers resources through legacy discovery', async () => {
    expect(await k.ok(['version'])).toMatch(/Client Version: v1\.28\.\d+[\s\S]*Server Version: v1\.32\.\d+/);
    const resources = await k.ok(['api-resources']);
    expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(resources).toMatch(/^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m);
  });

  it('applies, re-applies, gets and deletes', async () => {
    const manifest = (image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: old}\nspec:\n  selector: {matchLabels: {app: old}}\n  template:\n    metadata: {labels: {app: old}}\n    spec:\n      containers: [{name: a, image: ${image}}, {name: b, image: busybox}]\n`;
    const f = k.file('d.yaml', manifest('nginx:1.25'));
    expect(await k.ok(['apply', '-f', f])).toContain('deployment.apps/old created');
    k.file('d.yaml', manifest('nginx:1.26'));
    expect(await k.ok(['apply', '-f', f])).toContain('deployment.apps/old configured');
    expect(await k.ok(['get', 'deploy', 'old', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'])).toBe('nginx:1.26 busybox');
    expect(await k.ok(['get', 'deployments'])).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(await k.ok(['delete', '-f', f])).toContain('deployment.apps "old" deleted');
  });
});
