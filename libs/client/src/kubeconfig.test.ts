import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeconfigError, loadClientConfig, readKubeconfig } from './kubeconfig';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

const basic = `
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${b64('CA PEM')}
users:
- name: dev-user
  user:
    token: secret-token
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
- name: other
  context: {cluster: dev-cluster, user: dev-user}
`;

describe('loadClientConfig', () => {
  it('reads the current context of an explicit file', () => {
    const file = write('config', basic);
    expect(loadClientConfig({ kubeconfigPath: file, env: {} })).toEqual({
      server: 'https://10.0.0.1:6443',
      caData: 'CA PEM',
      token: 'secret-token',
      namespace: 'team-a',
    });
  });

  it('uses a named context and defaults its namespace to "default"', () => {
    const file = write('config', basic);
    expect(loadClientConfig({ kubeconfigPath: file, context: 'other', env: {} }).namespace).toBe('default');
  });

  it('prefers the explicit path over KUBECONFIG and ~/.kube/config', () => {
    const explicit = write('explicit', basic);
    const fromEnv = write('env', basic.replace('10.0.0.1', '10.0.0.2'));
    write('home/.kube/config', basic.replace('10.0.0.1', '10.0.0.3'));
    const home = path.join(dir, 'home');
    expect(loadClientConfig({ kubeconfigPath: explicit, env: { KUBECONFIG: fromEnv }, homeDir: home }).server).toBe('https://10.0.0.1:6443');
    expect(loadClientConfig({ env: { KUBECONFIG: fromEnv }, homeDir: home }).server).toBe('https://10.0.0.2:6443');
    expect(loadClientConfig({ env: {}, homeDir: home }).server).toBe('https://10.0.0.3:6443');
  });

  it('merges KUBECONFIG files: the first file to set a key wins, missing files are skipped', () => {
    const first = write(
      'a',
      `
clusters:
- name: c1
  cluster: {server: "https://first:6443"}
contexts:
- name: ctx
  context: {cluster: c1, user: u1}
`,
    );
    const second = write(
      'b',
      `
current-context: ctx
clusters:
- name: c1
  cluster: {server: "https://second:6443"}
users:
- name: u1
  user: {username: admin, password: hunter2}
contexts:
- name: ctx
  context: {cluster: c1, user: nobody}
`,
    );
    const env = { KUBECONFIG: [path.join(dir, 'missing'), first, second].join(path.delimiter) };
    const kc = readKubeconfig({ env });
    expect(kc.files).toEqual([first, second]);
    expect(loadClientConfig({ env })).toEqual({ server: 'https://first:6443', username: 'admin', password: 'hunter2', namespace: 'default' });
  });

  it('resolves relative certificate, key and token file paths against the kubeconfig folder', () => {
    write('certs/ca.crt', 'CA FROM FILE');
    write('certs/client.crt', 'CERT FROM FILE');
    write('certs/client.key', 'KEY FROM FILE');
    write('certs/token', 'file-token\n');
    const file = write(
      'conf/nested/config',
      `
current-context: x
clusters:
- name: c
  cluster: {server: "https://h", certificate-authority: ../../certs/ca.crt, insecure-skip-tls-verify: true}
users:
- name: u
  user: {client-certificate: ../../certs/client.crt, client-key: ../../certs/client.key, tokenFile: ../../certs/token}
contexts:
- name: x
  context: {cluster: c, user: u}
`,
    );
    expect(loadClientConfig({ kubeconfigPath: file, env: {} })).toEqual({
      server: 'https://h',
      caData: 'CA FROM FILE',
      certData: 'CERT FROM FILE',
      keyData: 'KEY FROM FILE',
      token: 'file-token',
      insecureSkipTLSVerify: true,
      namespace: 'default',
    });
  });

  it('prefers -data fields over file paths', () => {
    const file = write(
      'config',
      `
current-context: x
clusters:
- name: c
  cluster: {server: "https://h"}
users:
- name: u
  user: {client-certificate-data: ${b64('INLINE CERT')}, client-certificate: /nonexistent, client-key-data: ${b64('INLINE KEY')}}
contexts:
- name: x
  context: {cluster: c, user: u}
`,
    );
    const cfg = loadClientConfig({ kubeconfigPath: file, env: {} });
    expect(cfg.certData).toBe('INLINE CERT');
    expect(cfg.keyData).toBe('INLINE KEY');
  });
});

describe('kubeconfig errors', () => {
  it('names a missing explicit file', () => {
    const missing = path.join(dir, 'nope');
    expect(() => loadClientConfig({ kubeconfigPath: missing, env: {} })).toThrow(new KubeconfigError(`kubeconfig file ${missing} does not exist`));
  });

  it('reports a missing ~/.kube/config when nothing else is set', () => {
    expect(() => loadClientConfig({ env: {}, homeDir: dir })).toThrow(/\.kube\/config does not exist/);
  });

  it('reports a KUBECONFIG whose files all are missing', () => {
    expect(() => loadClientConfig({ env: { KUBECONFIG: path.join(dir, 'x') } })).toThrow(/none of the files in KUBECONFIG exist/);
  });

  it('reports a missing context with the file name', () => {
    const file = write('config', basic);
    expect(() => loadClientConfig({ kubeconfigPath: file, context: 'prod', env: {} })).toThrow(`context "prod" not found in kubeconfig ${file}`);
  });

  it('reports a missing current-context', () => {
    const file = write('config', basic.replace('current-context: dev', ''));
    expect(() => loadClientConfig({ kubeconfigPath: file, env: {} })).toThrow(/has no current-context/);
  });

  it('reports a context pointing at an unknown cluster', () => {
    const file = write('config', basic.replace('cluster: dev-cluster, user', 'cluster: ghost, user'));
    expect(() => loadClientConfig({ kubeconfigPath: file, env: {} })).toThrow(/cluster "ghost" of context "dev" not found/);
  });

  it('reports malformed YAML with the file name, on one line', () => {
    const file = write('config', 'clusters: [unclosed\n  - : :');
    let message = '';
    try {
      loadClientConfig({ kubeconfigPath: file, env: {} });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^kubeconfig ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is malformed: `));
    expect(message).not.toContain('\n');
  });

  it('reports structurally wrong documents as malformed', () => {
    const file = write('config', 'clusters: {a: b}\n');
    expect(() => loadClientConfig({ kubeconfigPath: file, env: {} })).toThrow(`kubeconfig ${file} is malformed: clusters must be a list`);
    const nameless = write('config2', 'users:\n- user: {token: x}\n');
    expect(() => loadClientConfig({ kubeconfigPath: nameless, env: {} })).toThrow(/users\[0\] needs a name/);
  });
});
