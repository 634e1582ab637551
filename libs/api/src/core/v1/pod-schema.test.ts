import { schemaErrors } from '../../schema/schema-errors';
import { findUnknownFields } from '../../schema/unknown-fields';
import { pods, PodTemplateSpecSchema } from './pod';

/** The kind of manifest users apply: most pod features at once. */
const manifest = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    initContainers: [{ name: 'proxy', image: 'envoy:v1', restartPolicy: 'Always' }],
    containers: [
      {
        name: 'app',
        image: 'nginx:1.25',
        command: ['nginx'],
        args: ['-g', 'daemon off;'],
        workingDir: '/srv',
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw', optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
        resources: { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: 0.5 } },
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X', value: 'y' }] }, initialDelaySeconds: 5 },
        readinessProbe: { grpc: { port: 9000 } },
        startupProbe: { tcpSocket: { port: 80 }, failureThreshold: 30 },
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
        securityContext: {
          runAsUser: 1000,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
    ],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      {
        name: 'token',
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } },
        ],
      },
    },
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }],
    securityContext: { fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
    imagePullSecrets: [{ name: 'regcred' }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    os: { name: 'linux' },
  },
});

describe('Pod schema', () => {
  it('knows every field of a realistic manifest', () => {
    const m = manifest();
    expect(findUnknownFields(pods.schema, m)).toEqual([]);
    expect(schemaErrors(pods.schema, m)).toEqual([]);
  });

  it('finds typos under fieldValidation=Strict', () => {
    const m = manifest() as any;
    m.spec.containers[0].imagePullPolcy = 'Always';
    m.spec.containers[0].livenessProbe.httpGet.paht = '/';
    m.spec.volumes[0].persistentVolumeClaim.readonly = true;
    m.spec.restartpolicy = 'Never';
    expect(findUnknownFields(pods.schema, m)).toEqual([
      'spec.containers[0].livenessProbe.httpGet.paht',
      'spec.containers[0].imagePullPolcy',
      'spec.volumes[0].persistentVolumeClaim.readonly',
      'spec.restartpolicy',
    ]);
  });

  it('reports wrong types and unsupported enum values with field paths', () => {
    const m = manifest() as any;
    m.spec.containers[0].ports[0].containerPort = '80';
    m.spec.containers[0].stdin = 'yes';
    m.spec.containers[0].imagePullPolicy = 'Sometimes';
    m.spec.containers[0].resources.limits.cpu = true;
    const errs = schemaErrors(pods.schema, m);
    expect(errs.map((e) => [e.type, e.field])).toEqual(
      expect.arrayContaining([
        ['FieldValueTypeInvalid', 'spec.containers[0].ports[0].containerPort'],
        ['FieldValueTypeInvalid', 'spec.containers[0].stdin'],
        ['FieldValueNotSupported', 'spec.containers[0].imagePullPolicy'],
        ['FieldValueTypeInvalid', 'spec.containers[0].resources.limits[cpu]'],
      ]),
    );
  });

  it('requires container names and the container list', () => {
    const m = manifest() as any;
    delete m.spec.containers[0].name;
    expect(schemaErrors(pods.schema, m)).toEqual([expect.objectContaining({ type: 'FieldValueRequired', field: 'spec.containers[0].name' })]);
    delete m.spec.containers;
    expect(schemaErrors(pods.schema, m).map((e) => e.field)).toContain('spec.containers');
  });

  it('carries Kubernetes merge keys for strategic merge patch', () => {
    const spec = (pods.schema.properties as any).spec.properties;
    const container = spec.containers.items.properties;
    expect(spec.containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(spec.volumes['x-kubernetes-patch-merge-key']).toBe('name');
    expect(spec.volumes.items['x-kubernetes-patch-strategy']).toBe('retainKeys');
    expect(container.ports['x-kubernetes-patch-merge-key']).toBe('containerPort');
    expect(container.volumeMounts['x-kubernetes-patch-merge-key']).toBe('mountPath');
    expect(container.volumeDevices['x-kubernetes-patch-merge-key']).toBe('devicePath');
    expect(container.env['x-kubernetes-patch-merge-key']).toBe('name');
    expect(spec.hostAliases['x-kubernetes-patch-merge-key']).toBe('ip');
    expect(spec.topologySpreadConstraints['x-kubernetes-patch-merge-key']).toBe('topologyKey');
    const status = (pods.schema.properties as any).status.properties;
    expect(status.conditions['x-kubernetes-patch-merge-key']).toBe('type');
    expect(status.podIPs['x-kubernetes-patch-merge-key']).toBe('ip');
  });

  it('accepts a pod template with only a spec', () => {
    expect(schemaErrors(PodTemplateSpecSchema, { spec: { containers: [{ name: 'a', image: 'a' }] } })).toEqual([]);
  });
});

describe('pods resource', () => {
  it('is registered the way discovery shows it', () => {
    expect(pods).toMatchObject({ resource: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'], namespaced: true, hasStatusSubresource: true });
    expect(pods.subresources.map((s) => s.name)).toEqual(
      expect.arrayContaining(['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward']),
    );
    expect(pods.subresources.find((s) => s.name === 'eviction')?.kind).toEqual({ group: 'policy', version: 'v1', kind: 'Eviction' });
  });

  it('exposes field selector values as strings', () => {
    const fields = pods.selectableFields!({
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a' }], nodeName: 'n1', hostNetwork: true },
      status: { phase: 'Running' },
    });
    expect(fields).toMatchObject({ 'spec.nodeName': 'n1', 'spec.hostNetwork': 'true', 'status.phase': 'Running', 'status.podIP': '', 'spec.restartPolicy': '' });
  });
});
