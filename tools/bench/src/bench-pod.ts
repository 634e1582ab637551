/** The label every pod of one benchmark run carries, so the run's pods can be told apart and removed. */
export const runLabel = 'bench.skiff.dev/run';

/** Marks the pods created and deleted before the measured creates; they carry the run label too, for clean-up. */
export const warmupLabel = 'bench.skiff.dev/warmup';

export type BenchPodRole = 'measured' | 'warmup';

export function benchPodName(runId: string, index: number, role: BenchPodRole = 'measured'): string {
  return `bench-${runId}-${role === 'warmup' ? 'warmup-' : ''}${String(index).padStart(5, '0')}`;
}

export interface BenchPod extends Record<string, unknown> {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
}

/**
 * A pod shaped like a real workload's (about 2 KB of JSON): an app container and a sidecar, each with
 * requests and limits, env, ports and probes, plus the labels and annotations controllers add.
 */
export function benchPod(runId: string, index: number, role: BenchPodRole = 'measured'): BenchPod {
  const name = benchPodName(runId, index, role);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: {
        app: 'checkout',
        tier: 'backend',
        'app.kubernetes.io/version': '1.24.3',
        'pod-template-hash': '7d9f8c6b5',
        [runLabel]: runId,
        ...(role === 'warmup' ? { [warmupLabel]: 'true' } : {}),
      },
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
        'kubectl.kubernetes.io/default-container': 'app',
      },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/shop/checkout:1.24.3',
          imagePullPolicy: 'IfNotPresent',
          args: ['--listen=:8080', '--metrics=:9090', `--instance=${index}`],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'DATABASE_URL', value: 'postgres://checkout@db.shop.svc.cluster.local:5432/checkout' },
            { name: 'CACHE_TTL_SECONDS', value: '300' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          ],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2 },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
        {
          name: 'log-shipper',
          image: 'registry.example.com/infra/log-shipper:0.9.1',
          args: ['--input=/var/log/app', '--output=http://logs.infra.svc.cluster.local:9880'],
          ports: [{ name: 'shipper-metrics', containerPort: 2020, protocol: 'TCP' }],
          env: [
            { name: 'SHIPPER_BUFFER', value: '8MB' },
            { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          livenessProbe: { tcpSocket: { port: 2020 }, periodSeconds: 20 },
          volumeMounts: [{ name: 'tmp', mountPath: '/var/log/app', readOnly: true }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}
