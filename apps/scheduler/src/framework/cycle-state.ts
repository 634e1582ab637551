/** Data a plugin computes in one extension point (PreFilter, PreScore) and reads in later ones. */
export interface StateData {
  /** A copy that can be changed without affecting the original (what-if evaluation copies the cycle state). */
  clone(): StateData;
}

/**
 * Per-pod, per-attempt scratch space shared by the plugins, keyed by plugin-chosen names. Plugins that skipped
 * themselves for this pod are recorded here too.
 */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  readonly skipFilterPlugins = new Set<string>();
  readonly skipScorePlugins = new Set<string>();

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) copy.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) copy.skipScorePlugins.add(p);
    return copy;
  }
}
