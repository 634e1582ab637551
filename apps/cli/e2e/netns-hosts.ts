import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { runProgram, type RunResult } from './run-program';

export type { RunResult };

const sh = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * "Machines" for multi-node tests on one host: network namespaces joined by a bridge this test makes, each with one
 * address on the bridge's subnet (10.79.0.N/24) and a default route onto the link, so nothing they send is forwarded
 * off the bridge. The host side holds .254 to reach them. Everything is removed by `destroy`.
 */
export class NetnsHosts {
  readonly bridge: string;
  readonly names: string[];

  constructor(
    readonly tag: string,
    count: number,
    readonly subnet = '10.79.0',
  ) {
    this.bridge = `skmn${tag}`;
    this.names = Array.from({ length: count }, (_, i) => `skmn-${tag}-${i + 1}`);
  }

  /** The address of host `i` (1-based). */
  address(i: number): string {
    return `${this.subnet}.${i}`;
  }

  create(): void {
    if (fs.existsSync(`/sys/class/net/${this.bridge}`)) throw new Error(`bridge ${this.bridge} exists already (another run of this test?)`);
    sh(['link', 'add', this.bridge, 'type', 'bridge']);
    sh(['address', 'add', `${this.subnet}.254/24`, 'dev', this.bridge]);
    sh(['link', 'set', this.bridge, 'up']);
    this.names.forEach((ns, index) => {
      const i = index + 1;
      const hostSide = `${this.bridge}v${i}`;
      sh(['netns', 'add', ns]);
      sh(['-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      sh(['link', 'set', hostSide, 'master', this.bridge, 'up']);
      sh(['-n', ns, 'address', 'add', `${this.address(i)}/24`, 'dev', 'eth0']);
      sh(['-n', ns, 'link', 'set', 'eth0', 'up']);
      sh(['-n', ns, 'route', 'add', 'default', 'dev', 'eth0']);
    });
  }

  /**
   * Runs a program inside host `i`'s network namespace, and only that: `ip netns exec` would also give it a mount
   * namespace with a fresh /sys, which hides the cgroup mounts runc needs.
   */
  run(i: number, file: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<RunResult> {
    return runProgram('nsenter', [`--net=/run/netns/${this.names[i - 1]}`, '--', file, ...args], opts);
  }


  destroy(): void {
    for (const ns of this.names) {
      try {
        sh(['netns', 'del', ns]);
      } catch {
        // Never made.
      }
    }
    try {
      sh(['link', 'del', this.bridge]);
    } catch {
      // Never made.
    }
  }
}
