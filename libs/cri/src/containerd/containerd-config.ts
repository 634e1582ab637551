import path from 'node:path';
import { toToml, type TomlTable } from './toml';

/** The sandbox image the node's containerd runs as each pod's first container (tools/images builds it). */
export const DEFAULT_SANDBOX_IMAGE = 'registry.k8s.io/pause:3.9';

/** Where Debian's containernetworking-plugins keeps the CNI plugin binaries. */
export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

/** Registries a local mirror stands in for, with their real endpoints (tried after the mirror only when asked). */
export const DEFAULT_MIRRORED_REGISTRIES: Readonly<Record<string, string>> = {
  'docker.io': 'https://registry-1.docker.io',
  'registry.k8s.io': 'https://registry.k8s.io',
};

// A unix socket path longer than sun_path (108 bytes with its NUL) cannot be bound.
const MAX_SOCKET_PATH = 107;

export interface ContainerdConfigOptions {
  /** Persistent data: content store, snapshots, metadata. */
  rootDir: string;
  /** Runtime state: task bundles, shim state. */
  stateDir: string;
  /** Path of containerd's gRPC socket (CRI is served on it); the ttrpc socket sits beside it. */
  grpcAddress: string;
  /** Folder the CRI plugin reads the node's CNI conflist from. */
  cniConfDir: string;
  cniBinDir?: string;
  sandboxImage?: string;
  /** Folder of `<registry host>/hosts.toml` files (see registryHostsFiles); unset means the built-in defaults. */
  registryConfigDir?: string;
  /** Address of the exec/attach/port-forward streaming server; loopback unless the kubelet proxies from elsewhere. */
  streamServerAddress?: string;
  /** 0 picks a free port; the URLs that Exec/Attach/PortForward return carry the real one. */
  streamServerPort?: number;
  snapshotter?: 'overlayfs' | 'native';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

function requireAbsolute(name: string, value: string): void {
  if (!value || !path.isAbsolute(value)) throw new Error(`containerd config: ${name} must be an absolute path, got "${value}"`);
}

/** The ttrpc socket containerd serves next to its gRPC socket (shims call back on it). */
export function ttrpcAddressFor(grpcAddress: string): string {
  return `${grpcAddress}.ttrpc`;
}

/**
 * containerd 1.6 configuration (format version 2) for a node of our own: private root, state and sockets, the
 * CRI plugin with runc v2 on cgroupfs, the given CNI conflist folder and sandbox image. Keys that matter here:
 * `restrict_oom_score_adj` (without it every sandbox fails, as root lacks CAP_SYS_RESOURCE on these machines)
 * and `SystemdCgroup = false` (no systemd).
 */
export function containerdConfig(opts: ContainerdConfigOptions): TomlTable {
  for (const k of ['rootDir', 'stateDir', 'grpcAddress', 'cniConfDir'] as const) requireAbsolute(k, opts[k]);
  if (opts.registryConfigDir !== undefined) requireAbsolute('registryConfigDir', opts.registryConfigDir);
  if (opts.cniBinDir !== undefined) requireAbsolute('cniBinDir', opts.cniBinDir);
  for (const sock of [opts.grpcAddress, ttrpcAddressFor(opts.grpcAddress)]) {
    if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) {
      throw new Error(`containerd config: socket path ${sock} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter directory`);
    }
  }
  const port = opts.streamServerPort ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`containerd config: streamServerPort must be 0..65535, got ${port}`);

  const cri: TomlTable = {
    sandbox_image: opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE,
    restrict_oom_score_adj: true,
    stream_server_address: opts.streamServerAddress ?? '127.0.0.1',
    stream_server_port: String(port),
    enable_tls_streaming: false,
    containerd: {
      snapshotter: opts.snapshotter ?? 'overlayfs',
      default_runtime_name: 'runc',
      runtimes: {
        runc: {
          runtime_type: 'io.containerd.runc.v2',
          options: { SystemdCgroup: false },
        },
      },
    },
    cni: {
      bin_dir: opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR,
      conf_dir: opts.cniConfDir,
      max_conf_num: 1,
    },
    registry: opts.registryConfigDir ? { config_path: opts.registryConfigDir } : undefined,
  };
  return {
    version: 2,
    root: opts.rootDir,
    state: opts.stateDir,
    // Snapshotters that cannot work on these machines only add warnings at every start.
    disabled_plugins: [
      'io.containerd.snapshotter.v1.aufs',
      'io.containerd.snapshotter.v1.btrfs',
      'io.containerd.snapshotter.v1.devmapper',
      'io.containerd.snapshotter.v1.zfs',
    ],
    grpc: { address: opts.grpcAddress },
    ttrpc: { address: ttrpcAddressFor(opts.grpcAddress) },
    debug: { level: opts.logLevel ?? 'info' },
    plugins: {
      'io.containerd.grpc.v1.cri': cri,
      // Keeps containerd's managed-binaries folder under our root instead of /opt/containerd.
      'io.containerd.internal.v1.opt': { path: path.join(opts.rootDir, 'opt') },
    },
  };
}

export function containerdConfigToml(opts: ContainerdConfigOptions): string {
  return toToml(containerdConfig(opts));
}

/**
 * `hosts.toml` files (keyed by `<registry>/hosts.toml`, relative to registryConfigDir) that send pulls for each
 * mirrored registry to `mirror` first, e.g. `http://127.0.0.1:5000`. Plain http needs no TLS settings: the
 * scheme of the host entry decides. The upstream server stays as the fallback, as on a real node.
 */
export function registryHostsFiles(
  mirror: string,
  registries: Readonly<Record<string, string>> = DEFAULT_MIRRORED_REGISTRIES,
  upstreamFallback = false,
): Record<string, string> {
  let url: URL;
  try {
    url = new URL(mirror);
  } catch {
    throw new Error(`registry mirror must be a URL such as http://127.0.0.1:5000, got "${mirror}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`registry mirror must be http or https: ${mirror}`);
  const files: Record<string, string> = {};
  for (const [registry, server] of Object.entries(registries)) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(registry)) throw new Error(`not a registry host name: "${registry}"`);
    // Without the fallback the mirror is also the `server`: an image it lacks fails to pull instead of
    // sending the node off to the real registry (nodes here have no way out, and tests must stay on loopback).
    files[`${registry}/hosts.toml`] = toToml({
      server: upstreamFallback ? server : url.origin,
      host: { [url.origin]: { capabilities: ['pull', 'resolve'] } },
    });
  }
  return files;
}
