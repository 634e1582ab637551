import { TimedWatch, type WatchEventLine } from '../timed-watch';

interface PodEvent {
  metadata?: { name?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; containerStatuses?: Array<{ state?: { running?: unknown } }> };
}

/** When the watch first showed each step of one pod's start. */
export interface PodStartTimes {
  scheduled?: number;
  sandboxReady?: number;
  containerStarted?: number;
  running?: number;
  deleted?: number;
}

/** A pod watch that notes, per pod, the arrival of the first event showing each step of its start, and its deletion. */
export class PodStartWatch extends TimedWatch {
  private readonly times = new Map<string, PodStartTimes>();

  static open(base: URL, path: string, timeoutMs = 10_000): Promise<PodStartWatch> {
    return TimedWatch.connect(new PodStartWatch(), base, path, timeoutMs);
  }

  protected record(line: WatchEventLine, at: number): void {
    const pod = line.object as PodEvent | undefined;
    const name = pod?.metadata?.name;
    if (!name) return;
    const t = this.times.get(name) ?? {};
    this.times.set(name, t);
    if (line.type === 'DELETED') {
      t.deleted ??= at;
      return;
    }
    if (pod?.spec?.nodeName) t.scheduled ??= at;
    if (pod?.status?.podIP) t.sandboxReady ??= at;
    if (pod?.status?.containerStatuses?.some((c) => c.state?.running)) t.containerStarted ??= at;
    if (pod?.status?.phase === 'Running') t.running ??= at;
  }

  of(name: string): PodStartTimes {
    return this.times.get(name) ?? {};
  }
}
