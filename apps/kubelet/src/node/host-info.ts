import fs from 'node:fs';
import os from 'node:os';

/** What the node reports about itself: fixed facts read once, plus the readings pressure conditions use. */
export interface HostFacts {
  cpuCores: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  operatingSystem: string;
  architecture: string;
}

export interface HostReadings {
  memoryAvailableBytes: number;
  /** Free bytes on the filesystem holding the kubelet's root dir, and its size. */
  nodeFsAvailableBytes: number;
  nodeFsCapacityBytes: number;
  processes: number;
  pidMax: number;
}

/** Anything that can describe a node: the real host, or a hollow node's made-up machine. */
export interface HostInfoSource {
  facts(): HostFacts;
  readings(): HostReadings;
}

function readFirst(paths: string[], fallback: string): string {
  for (const p of paths) {
    try {
      const v = fs.readFileSync(p, 'utf8').trim();
      if (v) return v;
    } catch {
      // try the next one
    }
  }
  return fallback;
}

function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of fs.readFileSync('/proc/meminfo', 'utf8').split('\n')) {
      const m = /^(\w+):\s+(\d+)(?:\s+kB)?/.exec(line);
      if (m) out[m[1]] = Number(m[2]) * (line.includes('kB') ? 1024 : 1);
    }
  } catch {
    // not Linux: fall back to os figures below
  }
  return out;
}

function osImage(): string {
  const text = readFirst(['/etc/os-release', '/usr/lib/os-release'], '');
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m ? m[1] : `${os.type()} ${os.release()}`;
}

const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function kubernetesArch(nodeArch: string = process.arch): string {
  return goArch[nodeArch] ?? nodeArch;
}

/** The machine this process runs on, read from /proc and /etc. */
export class RealHost implements HostInfoSource {
  constructor(private readonly rootDir: string) {}

  facts(): HostFacts {
    const fsStats = this.fsStats();
    const machineID = readFirst(['/etc/machine-id', '/var/lib/dbus/machine-id'], '');
    return {
      cpuCores: os.availableParallelism?.() ?? os.cpus().length,
      memoryBytes: meminfo().MemTotal ?? os.totalmem(),
      ephemeralStorageBytes: fsStats.capacity,
      machineID,
      systemUUID: readFirst(['/sys/class/dmi/id/product_uuid'], machineID),
      bootID: readFirst(['/proc/sys/kernel/random/boot_id'], ''),
      kernelVersion: os.release(),
      osImage: osImage(),
      operatingSystem: os.platform(),
      architecture: kubernetesArch(),
    };
  }

  readings(): HostReadings {
    const mem = meminfo();
    const fsStats = this.fsStats();
    let processes = 0;
    try {
      processes = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
    } catch {
      processes = 0;
    }
    return {
      memoryAvailableBytes: mem.MemAvailable ?? os.freemem(),
      nodeFsAvailableBytes: fsStats.available,
      nodeFsCapacityBytes: fsStats.capacity,
      processes,
      pidMax: Number(readFirst(['/proc/sys/kernel/pid_max'], '32768')),
    };
  }

  private fsStats(): { capacity: number; available: number } {
    let dir = this.rootDir;
    while (!fs.existsSync(dir) && dir !== '/') dir = dir.substring(0, dir.lastIndexOf('/')) || '/';
    const s = fs.statfsSync(dir);
    return { capacity: s.blocks * s.bsize, available: s.bavail * s.bsize };
  }
}

/** A hollow node's machine: generous fixed capacity and nothing ever under pressure. */
export class HollowHost implements HostInfoSource {
  constructor(
    private readonly nodeName: string,
    private readonly capacity = { cpuCores: 8, memoryBytes: 32 * 2 ** 30, ephemeralStorageBytes: 100 * 2 ** 30 },
  ) {}

  facts(): HostFacts {
    return {
      ...this.capacity,
      machineID: `hollow-${this.nodeName}`,
      systemUUID: `hollow-${this.nodeName}`,
      bootID: `hollow-${this.nodeName}`,
      kernelVersion: os.release(),
      osImage: 'Skiff hollow node',
      operatingSystem: 'linux',
      architecture: kubernetesArch(),
    };
  }

  readings(): HostReadings {
    return {
      memoryAvailableBytes: this.capacity.memoryBytes,
      nodeFsAvailableBytes: this.capacity.ephemeralStorageBytes,
      nodeFsCapacityBytes: this.capacity.ephemeralStorageBytes,
      processes: 100,
      pidMax: 4_194_304,
    };
  }
}
