import { TimedWatch, type WatchEventLine } from '../timed-watch';

/** A pod watch that notes when each pod name was first seen (ADDED) and when it was seen deleted. */
export class PodCountWatch extends TimedWatch {
  private readonly addedAt = new Map<string, number>();
  private readonly deletedAt = new Map<string, number>();

  static open(base: URL, path: string, timeoutMs = 10_000): Promise<PodCountWatch> {
    return TimedWatch.connect(new PodCountWatch(), base, path, timeoutMs);
  }

  protected record(ev: WatchEventLine, at: number): void {
    const name = ev.object?.metadata?.name;
    if (!name) return;
    if (ev.type === 'DELETED') {
      if (!this.deletedAt.has(name)) this.deletedAt.set(name, at);
    } else if (!this.addedAt.has(name)) this.addedAt.set(name, at);
  }

  get added(): number {
    return this.addedAt.size;
  }

  get deleted(): number {
    return this.deletedAt.size;
  }

  /** Arrival times of the pods seen so far, in order. */
  addedTimes(): number[] {
    return [...this.addedAt.values()].sort((a, b) => a - b);
  }

  deletedTimes(): number[] {
    return [...this.deletedAt.values()].sort((a, b) => a - b);
  }
}
