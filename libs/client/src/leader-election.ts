import { formatMicroTime, leases, parseTime, type Lease, type ResourceType } from '@skiff/api';
import { silentLogger, type Logger } from '@skiff/logging';
import { isAlreadyExists, isConflict, isNotFound } from './api-error';
import { jittered, realClock, sleep, type Clock } from './clock';
import type { KubeClient } from './kube-client';

export interface LeaderCallbacks {
  /** Leadership won; `signal` aborts when it is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading(): void;
  /** The observed holder changed (including to ourselves). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  identity: string;
  callbacks: LeaderCallbacks;
  leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before giving up leadership. Default 10 s. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
  leaseType?: ResourceType<any>;
}

type Attempt = 'held' | 'held-by-other' | 'failed';

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: a candidate takes the lease when it is
 * absent, released or expired (renewTime + leaseDurationSeconds in the past), the leader renews it every retry
 * period, and every write carries the resourceVersion read, so of two racing candidates only one wins (409).
 */
export class LeaderElector {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseType: ResourceType<any>;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly stopController = new AbortController();
  private term?: AbortController;
  private observedHolder = '';
  private lastRenewMs = 0;
  private running?: Promise<void>;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaderElectorOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? silentLogger();
    this.leaseType = opts.leaseType ?? leases;
    this.leaseDurationSeconds = opts.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationSeconds * 1000) throw new Error('renewDeadline must be shorter than the lease duration');
  }

  isLeader(): boolean {
    return this.term !== undefined;
  }

  /** The holder last seen on the lease ('' when none). */
  leader(): string {
    return this.observedHolder;
  }

  /** Starts campaigning; after losing leadership the elector campaigns again until stopped. */
  start(): void {
    this.running ??= this.loop();
  }

  /** Stops campaigning; a leader releases the lease (empty holderIdentity) so a successor need not wait for expiry. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
    if (this.term) {
      await this.release();
      this.endTerm();
    }
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const outcome = this.term ? await this.renewWithinDeadline() : await this.tryAcquireOrRenew();
      if (this.stopped) break;
      if (this.term) {
        if (outcome === 'held') this.lastRenewMs = this.clock.now();
        else if (outcome === 'held-by-other') {
          this.logger.warn(`lost lease ${this.opts.namespace}/${this.opts.name} to ${this.observedHolder}`);
          this.endTerm();
        } else if (this.clock.now() - this.lastRenewMs >= this.renewDeadlineMs) {
          this.logger.warn(`could not renew lease ${this.opts.namespace}/${this.opts.name} within ${this.renewDeadlineMs} ms`);
          this.endTerm();
        }
      } else if (outcome === 'held') {
        this.lastRenewMs = this.clock.now();
        this.beginTerm();
      }
      const wait = this.term ? this.retryPeriodMs : jittered(this.retryPeriodMs, 0.2);
      await sleep(this.clock, wait, this.stopController.signal);
    }
  }

  /**
   * A renewal that has not answered by the renew deadline counts as failed, as client-go bounds it: a request stuck
   * on an unreachable etcd member must not keep a leader leading past the moment a follower may take over.
   */
  private async renewWithinDeadline(): Promise<Attempt> {
    const budget = this.lastRenewMs + this.renewDeadlineMs - this.clock.now();
    const timer = new AbortController();
    const timedOut = sleep(this.clock, Math.max(0, budget), AbortSignal.any([timer.signal, this.stopController.signal])).then((): Attempt => {
      if (!timer.signal.aborted && !this.stopped) this.logger.warn(`renewal of lease ${this.opts.namespace}/${this.opts.name} did not answer within the renew deadline`);
      return 'failed';
    });
    try {
      return await Promise.race([this.tryAcquireOrRenew(), timedOut]);
    } finally {
      timer.abort();
    }
  }

  private beginTerm(): void {
    this.term = new AbortController();
    this.logger.info(`acquired lease ${this.opts.namespace}/${this.opts.name}`, { identity: this.opts.identity });
    const signal = this.term.signal;
    Promise.resolve()
      .then(() => this.opts.callbacks.onStartedLeading(signal))
      .catch((err) => this.logger.error('onStartedLeading failed', { error: (err as Error).message }));
  }

  private endTerm(): void {
    const term = this.term;
    if (!term) return;
    this.term = undefined;
    term.abort();
    try {
      this.opts.callbacks.onStoppedLeading();
    } catch (err) {
      this.logger.error('onStoppedLeading failed', { error: (err as Error).message });
    }
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, name, identity } = this.opts;
    const now = new Date(this.clock.now());
    const nowMicro = formatMicroTime(now);
    let current: Lease;
    try {
      current = await this.client.get<Lease>(this.leaseType, namespace, name);
    } catch (err) {
      if (!isNotFound(err)) return this.failed('get', err);
      const fresh: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { namespace, name },
        spec: { holderIdentity: identity, leaseDurationSeconds: this.leaseDurationSeconds, acquireTime: nowMicro, renewTime: nowMicro, leaseTransitions: 0 },
      };
      try {
        await this.client.create(this.leaseType, namespace, fresh);
      } catch (createErr) {
        if (isAlreadyExists(createErr)) return 'held-by-other';
        return this.failed('create', createErr);
      }
      this.observe(identity);
      return 'held';
    }

    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.observe(holder);
    if (holder !== identity && holder !== '' && !this.expired(spec, now.getTime())) return 'held-by-other';
    if (holder !== identity && this.term) return 'held-by-other';

    const takingOver = holder !== identity;
    const next: Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.leaseDurationSeconds,
        renewTime: nowMicro,
        acquireTime: takingOver ? nowMicro : spec.acquireTime ?? nowMicro,
        leaseTransitions: takingOver ? (spec.leaseTransitions ?? 0) + 1 : spec.leaseTransitions ?? 0,
      },
    };
    try {
      await this.client.update(this.leaseType, next);
    } catch (err) {
      // A 409 means someone else wrote the lease since we read it: they won this round.
      if (isConflict(err)) return 'held-by-other';
      return this.failed('update', err);
    }
    this.observe(identity);
    return 'held';
  }

  private expired(spec: NonNullable<Lease['spec']>, nowMs: number): boolean {
    const last = spec.renewTime ?? spec.acquireTime;
    if (!last) return true;
    const duration = (spec.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
    return parseTime(last).getTime() + duration < nowMs;
  }

  private observe(holder: string): void {
    if (holder === this.observedHolder) return;
    this.observedHolder = holder;
    if (!holder) return;
    try {
      this.opts.callbacks.onNewLeader?.(holder);
    } catch (err) {
      this.logger.error('onNewLeader failed', { error: (err as Error).message });
    }
  }

  private failed(what: string, err: unknown): Attempt {
    this.logger.warn(`${what} of lease ${this.opts.namespace}/${this.opts.name} failed`, { error: (err as Error).message });
    return 'failed';
  }

  private async release(): Promise<void> {
    try {
      const current = await this.client.get<Lease>(this.leaseType, this.opts.namespace, this.opts.name);
      if (current.spec?.holderIdentity !== this.opts.identity) return;
      const nowMicro = formatMicroTime(new Date(this.clock.now()));
      await this.client.update(this.leaseType, {
        ...current,
        spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: nowMicro, acquireTime: nowMicro },
      });
    } catch (err) {
      this.logger.warn(`could not release lease ${this.opts.namespace}/${this.opts.name}`, { error: (err as Error).message });
    }
  }
}
