import { TimedWatch, type WatchEventLine } from '../timed-watch';

/** A pod watch that notes, per pod name, when it was first seen bound (spec.nodeName set) and whether it was deleted. */
export class BindingWatch extends TimedWatch {
  private readonly bound = new Map<string, number>();
  private readonly deleted = new Set<string>();

  static open(base: URL, path: string, timeoutMs = 10_000): Promise<BindingWatch> {
    return TimedWatch.connect(new BindingWatch(), base, path, timeoutMs);
  }

  protected record(ev: WatchEventLine, at: number): void {
    const name = ev.object?.metadata?.name;
    if (!name) return;
    if (ev.type === 'DELETED') this.deleted.add(name);
    else if (ev.object?.spec?.nodeName && !this.bound.has(name)) this.bound.set(name, at);
  }

  boundAt(name: string): number | undefined {
    return this.bound.get(name);
  }

  wasDeleted(name: string): boolean {
    return this.deleted.has(name);
  }
}
