import { apiVersionOf, builtinScheme } from '@skiff/api';
import { fixtures } from '../integration/fixtures';
import { decodeProtobufBody } from './decode-protobuf-body';
import { protobufBodyFromJSON } from './test-bodies';

/** A pod touching most of PodSpec and PodStatus, in the form Kubernetes' JSON has it. */
const richPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'rich',
    namespace: 'default',
    labels: { app: 'rich' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/keep'],
  },
  spec: {
    volumes: [
      { name: 'scratch', emptyDir: {} },
      { name: 'conf', configMap: { name: 'settings', items: [{ key: 'a', path: 'a.conf', mode: 0o600 }], defaultMode: 0o644 } },
      { name: 'token', projected: { sources: [{ serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } }] } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], restartPolicy: 'Always' }],
    containers: [
      {
        name: 'app',
        image: 'example/app:1',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }],
        envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings', optional: true } }],
        resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '250m', 'example.com/gpu': '1' } },
        volumeMounts: [{ name: 'conf', mountPath: '/etc/app', readOnly: true }],
        livenessProbe: { exec: { command: ['cat', '/tmp/ok'] }, failureThreshold: 3, terminationGracePeriodSeconds: 10 },
        startupProbe: { grpc: { port: 9090, service: 'health' } },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        securityContext: { runAsUser: 0, runAsNonRoot: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 0,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'default',
    automountServiceAccountToken: false,
    securityContext: { fsGroup: 2000, supplementalGroups: [1000, 3000], sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: 'rich' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    priority: 0,
    dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
    enableServiceLinks: true,
    overhead: { cpu: '10m' },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'rich' } } }],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:05Z' }],
    hostIP: '10.0.0.1',
    podIP: '10.244.0.7',
    podIPs: [{ ip: '10.244.0.7' }],
    startTime: '2024-05-01T09:59:58Z',
    containerStatuses: [
      {
        name: 'app',
        state: { running: { startedAt: '2024-05-01T10:00:01Z' } },
        lastState: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2024-05-01T09:00:00Z', finishedAt: '2024-05-01T09:30:00Z' } },
        ready: true,
        restartCount: 1,
        image: 'example/app:1',
        imageID: 'sha256:abc',
        started: true,
      },
    ],
    qosClass: 'Burstable',
  },
};

describe('Kubernetes JSON → protobuf → JSON', () => {
  it('keeps a pod touching most of PodSpec and PodStatus exactly', () => {
    expect(decodeProtobufBody(protobufBodyFromJSON(richPod))).toEqual(richPod);
  });

  const stored = builtinScheme.all.filter((t) => fixtures[t.resource]);
  it.each(stored.map((t) => [t.kind, t] as const))('keeps every field of the %s test fixture', (_kind, t) => {
    const json = { apiVersion: apiVersionOf(t), kind: t.kind, ...fixtures[t.resource](`rt-${t.singular}`) };
    expect(decodeProtobufBody(protobufBodyFromJSON(json))).toMatchObject(json);
  });
});
