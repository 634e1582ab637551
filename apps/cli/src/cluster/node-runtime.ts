import { toolScript } from './cluster-paths';

/** The node `skiff up` runs: real containers through containerd, or a hollow node where none can run. */
export type NodeRuntime = { kind: 'containerd' } | { kind: 'hollow'; why: string; warn: boolean };

interface RuntimeTools {
  missingRuntimePackages(): string[];
  ensureNodeSysctls(): string[];
}

function runtimeTools(): RuntimeTools {
  return require(toolScript('dev/require-runtime.js')) as RuntimeTools;
}

/**
 * A real node needs root (containerd, bridges, iptables) and the runtime's Debian packages; without them the
 * control plane still comes up, with a hollow node whose pods go Running without processes.
 */
export function chooseNodeRuntime(opts: { hollow?: boolean; isRoot?: boolean; tools?: RuntimeTools } = {}): NodeRuntime {
  if (opts.hollow) return { kind: 'hollow', why: '--hollow was given', warn: false };
  const isRoot = opts.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  if (!isRoot) return { kind: 'hollow', why: 'not running as root (containers need root)', warn: true };
  const tools = opts.tools ?? runtimeTools();
  let missing: string[];
  try {
    missing = tools.missingRuntimePackages();
  } catch (e) {
    return { kind: 'hollow', why: (e as Error).message, warn: true };
  }
  if (missing.length > 0) return { kind: 'hollow', why: `missing ${missing.join(' ')} (apt-get install -y ${missing.join(' ')}, or npm start, installs them)`, warn: true };
  tools.ensureNodeSysctls();
  return { kind: 'containerd' };
}

/** The one line a fallback to a hollow node prints. */
export function hollowNodeWarning(runtime: Extract<NodeRuntime, { kind: 'hollow' }>): string {
  return `warning: hollow node — pods are scheduled and shown Running, but no containers run: ${runtime.why}`;
}
