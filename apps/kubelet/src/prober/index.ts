/**
 * The kubelet's prober. The pod worker owns one ProbeManager: it calls addPod when it takes a pod on,
 * containerStarted/containerStopped as containers come and go (a restart is a new container ID), reads
 * isStarted/isReady when it writes container statuses, and listens for `result`: a liveness or startup failure
 * means kill the container (recording `Killing` with probeKillMessage) and restart it per the restart policy; a
 * readiness change means patch the pod's status. stopLivenessAndStartup when the pod starts terminating,
 * removePod when it is gone. The manager records the per-run `Unhealthy`/`ProbeWarning` Events itself.
 */
export * from './probe-outcome';
export * from './probe-settings';
export * from './probe-port';
export * from './exec-probe';
export * from './http-probe';
export * from './tcp-probe';
export * from './grpc-probe';
export * from './run-probe';
export * from './probe-events';
export * from './prober-metrics';
export * from './probe-worker';
export * from './probe-manager';
