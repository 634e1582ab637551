import { containerdConfigToml, registryHostsFiles, ttrpcAddressFor, DEFAULT_SANDBOX_IMAGE } from './containerd-config';
import { toToml } from './toml';

const base = { rootDir: '/n/root', stateDir: '/n/state', grpcAddress: '/n/containerd.sock', cniConfDir: '/n/cni' };

/** The `key = value` lines under one `[table]` header. */
function section(toml: string, header: string): Record<string, string> {
  const lines = toml.split('\n');
  const start = lines.indexOf(`[${header}]`);
  if (start < 0) throw new Error(`no [${header}] in:\n${toml}`);
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[') || line === '') break;
    const [k, v] = line.split(' = ');
    out[k] = v;
  }
  return out;
}

describe('containerdConfigToml', () => {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';

  it('gives containerd private root, state and sockets', () => {
    const toml = containerdConfigToml(base);
    expect(toml.startsWith('version = 2\nroot = "/n/root"\nstate = "/n/state"\n')).toBe(true);
    expect(section(toml, 'grpc')).toEqual({ address: '"/n/containerd.sock"' });
    expect(section(toml, 'ttrpc')).toEqual({ address: '"/n/containerd.sock.ttrpc"' });
    expect(section(toml, 'plugins."io.containerd.internal.v1.opt"')).toEqual({ path: '"/n/root/opt"' });
    expect(ttrpcAddressFor('/n/containerd.sock')).toBe('/n/containerd.sock.ttrpc');
  });

  it('sets up the CRI plugin for runc on cgroupfs with restricted OOM score adjustment', () => {
    const toml = containerdConfigToml(base);
    expect(section(toml, cri)).toMatchObject({
      sandbox_image: JSON.stringify(DEFAULT_SANDBOX_IMAGE),
      restrict_oom_score_adj: 'true',
      stream_server_address: '"127.0.0.1"',
      stream_server_port: '"0"',
    });
    expect(section(toml, `${cri}.containerd`)).toMatchObject({ snapshotter: '"overlayfs"', default_runtime_name: '"runc"' });
    expect(section(toml, `${cri}.containerd.runtimes.runc`)).toEqual({ runtime_type: '"io.containerd.runc.v2"' });
    expect(section(toml, `${cri}.containerd.runtimes.runc.options`)).toEqual({ SystemdCgroup: 'false' });
    expect(section(toml, `${cri}.cni`)).toEqual({ bin_dir: '"/usr/lib/cni"', conf_dir: '"/n/cni"', max_conf_num: '1' });
    expect(toml).not.toContain('config_path');
  });

  it('takes the sandbox image, stream port, snapshotter and registry folder it is given', () => {
    const toml = containerdConfigToml({
      ...base,
      sandboxImage: 'example.com/pause:1',
      streamServerPort: 10010,
      snapshotter: 'native',
      registryConfigDir: '/n/certs.d',
      cniBinDir: '/opt/cni/bin',
    });
    expect(section(toml, cri)).toMatchObject({ sandbox_image: '"example.com/pause:1"', stream_server_port: '"10010"' });
    expect(section(toml, `${cri}.containerd`)).toMatchObject({ snapshotter: '"native"' });
    expect(section(toml, `${cri}.registry`)).toEqual({ config_path: '"/n/certs.d"' });
    expect(section(toml, `${cri}.cni`)).toMatchObject({ bin_dir: '"/opt/cni/bin"' });
  });

  it('rejects relative paths, overlong socket paths and bad ports with the offending value', () => {
    expect(() => containerdConfigToml({ ...base, rootDir: 'root' })).toThrow(/rootDir must be an absolute path, got "root"/);
    expect(() => containerdConfigToml({ ...base, registryConfigDir: 'certs.d' })).toThrow(/registryConfigDir/);
    const long = `/${'d'.repeat(100)}/containerd.sock`;
    expect(() => containerdConfigToml({ ...base, grpcAddress: long })).toThrow(/longer than 107 bytes/);
    expect(() => containerdConfigToml({ ...base, streamServerPort: 70000 })).toThrow(/streamServerPort must be 0..65535, got 70000/);
    expect(() => containerdConfigToml({ ...base, streamServerPort: 1.5 })).toThrow(/streamServerPort/);
  });
});

describe('registryHostsFiles', () => {
  it('sends docker.io and registry.k8s.io pulls to the mirror only, unless the upstream fallback is asked for', () => {
    const only = registryHostsFiles('http://127.0.0.1:5000/');
    expect(only['docker.io/hosts.toml']).toBe('server = "http://127.0.0.1:5000"\n\n[host."http://127.0.0.1:5000"]\ncapabilities = ["pull", "resolve"]\n');
    const files = registryHostsFiles('http://127.0.0.1:5000/', undefined, true);
    expect(Object.keys(files).sort()).toEqual(['docker.io/hosts.toml', 'registry.k8s.io/hosts.toml']);
    expect(files['docker.io/hosts.toml']).toBe(
      'server = "https://registry-1.docker.io"\n\n[host."http://127.0.0.1:5000"]\ncapabilities = ["pull", "resolve"]\n',
    );
    expect(files['registry.k8s.io/hosts.toml']).toContain('server = "https://registry.k8s.io"');
  });

  it('takes other registries and rejects what is not a URL or a host name', () => {
    expect(Object.keys(registryHostsFiles('https://mirror.example:443', { 'quay.io': 'https://quay.io' }))).toEqual(['quay.io/hosts.toml']);
    expect(() => registryHostsFiles('127.0.0.1:5000')).toThrow(/registry mirror must be/);
    expect(() => registryHostsFiles('ftp://127.0.0.1')).toThrow(/http or https/);
    expect(() => registryHostsFiles('http://127.0.0.1:5000', { '../etc': 'https://x' })).toThrow(/not a registry host name: "..\/etc"/);
  });
});

describe('toToml', () => {
  it('quotes keys that are not bare, escapes strings and leaves out undefined values', () => {
    expect(toToml({ a: 'x"y\\z', b: undefined, t: { 'needs.quote': 1, ok_key: ['p', 'q'] } })).toBe(
      'a = "x\\"y\\\\z"\n\n[t]\n"needs.quote" = 1\nok_key = ["p", "q"]\n',
    );
  });

  it('rejects numbers TOML cannot hold', () => {
    expect(() => toToml({ a: { b: NaN } })).toThrow(/TOML cannot hold NaN at a.b/);
  });
});
