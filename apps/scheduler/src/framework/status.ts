/**
 * The outcome of a plugin call. Success is represented by `null` on the hot paths (Filter, PreFilter), so that
 * passing a node allocates nothing.
 * - Unschedulable: this node does not fit now, but removing pods (preemption) might help.
 * - UnschedulableAndUnresolvable: preemption cannot help on this node.
 * - Skip: the plugin has nothing to do for this pod; its later extension points are skipped.
 */
export type StatusCode = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export class Status {
  /** The plugin that returned it; filled by the framework. */
  plugin = '';

  constructor(
    readonly code: StatusCode,
    readonly reasons: readonly string[] = [],
  ) {}

  static error(message: string): Status {
    return new Status('Error', [message]);
  }

  static unschedulable(...reasons: string[]): Status {
    return new Status('Unschedulable', reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status('UnschedulableAndUnresolvable', reasons);
  }

  static skip(): Status {
    return new Status('Skip');
  }

  isSuccess(): boolean {
    return this.code === 'Success';
  }

  /** Unschedulable either way: the pod does not fit, as opposed to an error. */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }

  message(): string {
    return this.reasons.join(', ');
  }

  withPlugin(plugin: string): Status {
    this.plugin = plugin;
    return this;
  }
}

/** A status or null for success. */
export type MaybeStatus = Status | null;

export function isSuccess(s: MaybeStatus): boolean {
  return s === null || s.code === 'Success';
}
