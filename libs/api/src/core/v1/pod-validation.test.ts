import { FieldPath, formatFieldError } from '../../validation/field-errors';
import type { Pod, PodSpec } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { validatePod, validatePodSpec } from './pod-validation';
// Loaded after pod-validation on purpose: the pods resource must still get its hooks whatever the load order.
import { pods } from './pod';

/** A valid pod after defaulting, with `edit` applied to its spec before defaulting. */
function pod(edit: (spec: PodSpec) => void = () => {}): Pod {
  const p: Pod = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          ports: [{ name: 'http', containerPort: 80 }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
          readinessProbe: { httpGet: { port: 'http' } },
        },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  edit(p.spec);
  applyPodDefaults(p);
  return p;
}

const messages = (p: Pod) => validatePod(p).map(formatFieldError);
const fields = (p: Pod) => validatePod(p).map((e) => e.field);

describe('validatePod', () => {
  it('is the pods resource validate hook', () => {
    expect(pods.validate).toBe(validatePod);
  });

  it('accepts a realistic pod', () => {
    expect(validatePod(pod())).toEqual([]);
  });

  it('requires at least one container', () => {
    expect(messages(pod((s) => (s.containers = [])))).toEqual(['spec.containers: Required value']);
  });

  it('requires an image on containers and init containers', () => {
    const p = pod((s) => {
      delete s.containers[0].image;
      s.initContainers = [{ name: 'init' }];
    });
    expect(messages(p)).toEqual(['spec.containers[0].image: Required value', 'spec.initContainers[0].image: Required value']);
  });

  it('reports invalid and duplicate container names across containers and init containers', () => {
    const p = pod((s) => {
      s.containers.push({ name: 'Bad_Name', image: 'a' }, { name: 'app', image: 'a' });
      s.initContainers = [{ name: 'app', image: 'a' }];
    });
    const errs = validatePod(p);
    expect(errs).toContainEqual(expect.objectContaining({ type: 'FieldValueInvalid', field: 'spec.containers[1].name', value: 'Bad_Name' }));
    expect(errs).toContainEqual(expect.objectContaining({ type: 'FieldValueDuplicate', field: 'spec.containers[2].name', value: 'app' }));
    expect(errs).toContainEqual(expect.objectContaining({ type: 'FieldValueDuplicate', field: 'spec.initContainers[0].name', value: 'app' }));
  });

  it('checks container ports: range, protocol, IANA names and their uniqueness', () => {
    const p = pod((s) => {
      s.containers[0].ports = [
        { containerPort: 70000 },
        { containerPort: 81, name: 'http-metrics-port' },
        { containerPort: 82, name: 'a', protocol: 'tcp' },
        { containerPort: 83, name: 'a', hostPort: 0 },
        { containerPort: 84, hostPort: 99999 },
      ];
    });
    expect(messages(p)).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].name: Invalid value: "http-metrics-port": must be no more than 15 characters',
      'spec.containers[0].ports[2].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"',
      'spec.containers[0].ports[3].name: Duplicate value: "a"',
      'spec.containers[0].ports[4].hostPort: Invalid value: 99999: must be between 1 and 65535, inclusive',
    ]);
  });

  it('rejects an unknown restart policy and DNS policy', () => {
    const p = pod((s) => {
      s.restartPolicy = 'Sometimes';
      s.dnsPolicy = 'Google';
    });
    expect(fields(p)).toEqual(['spec.restartPolicy', 'spec.dnsPolicy']);
  });

  it('requires dnsConfig when dnsPolicy is None', () => {
    expect(messages(pod((s) => (s.dnsPolicy = 'None')))).toEqual([
      'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None',
    ]);
  });

  it('checks volumes: unique names, exactly one source, mounts naming a volume', () => {
    const p = pod((s) => {
      s.volumes = [
        { name: 'data', emptyDir: {} },
        { name: 'data', emptyDir: {} },
        { name: 'both', emptyDir: {}, hostPath: { path: '/tmp' } },
        { name: 'cfg', configMap: { name: 'c', defaultMode: 0o1777 } },
      ];
      s.containers[0].volumeMounts!.push({ name: 'missing', mountPath: '/m' }, { name: 'cfg', mountPath: '/data' });
    });
    expect(fields(p)).toEqual([
      'spec.volumes[1].name',
      'spec.volumes[2].emptyDir',
      'spec.volumes[3].configMap.defaultMode',
      'spec.containers[0].volumeMounts[1].name',
      'spec.containers[0].volumeMounts[2].mountPath',
    ]);
  });

  it('reports a volume without a source', () => {
    const spec: PodSpec = { containers: [{ name: 'a', image: 'a', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', volumes: [{ name: 'v' }] };
    expect(validatePodSpec(spec, FieldPath.root('spec')).map(formatFieldError)).toEqual(['spec.volumes[0]: Required value: must specify a volume type']);
  });

  it('checks env var names and valueFrom', () => {
    const p = pod((s) => {
      s.containers[0].env = [
        { name: '1BAD' },
        { name: 'BOTH', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'FIELD', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } },
        { name: 'LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'bad key' } } },
      ];
    });
    expect(fields(p)).toEqual([
      'spec.containers[0].env[0].name',
      'spec.containers[0].env[1].valueFrom',
      'spec.containers[0].env[2].valueFrom.fieldRef.fieldPath',
      'spec.containers[0].env[4].valueFrom.configMapKeyRef.key',
    ]);
  });

  it('requires requests to be at most limits, and quantities to parse', () => {
    const p = pod((s) => {
      s.containers[0].resources = { requests: { cpu: '2', memory: 'lots' }, limits: { cpu: '1500m', memory: '1Gi' } };
    });
    expect(messages(p)).toEqual([
      'spec.containers[0].resources.requests[memory]: Invalid value: "lots": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
      'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1500m',
    ]);
  });

  it('checks probes: exactly one handler, successThreshold 1 for liveness', () => {
    const p = pod((s) => {
      s.containers[0].livenessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 }, successThreshold: 2 };
      s.containers[0].startupProbe = {};
    });
    expect(messages(p)).toEqual([
      'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].startupProbe: Required value: must specify a handler type',
    ]);
  });

  it('allows restartPolicy Always only on init containers (sidecars)', () => {
    const p = pod((s) => {
      s.containers[0].restartPolicy = 'Always';
      s.initContainers = [
        { name: 'sidecar', image: 'a', restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } } },
        { name: 'setup', image: 'a', restartPolicy: 'OnFailure' },
        { name: 'probe', image: 'a', livenessProbe: { exec: { command: ['true'] } } },
      ];
    });
    expect(messages(p)).toEqual([
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
      'spec.initContainers[1].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      'spec.initContainers[2].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ]);
  });

  it('checks affinity, tolerations and topology spread constraints', () => {
    const p = pod((s) => {
      s.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }],
        },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '', labelSelector: { matchLabels: { app: 'web' } } }] },
      };
      s.tolerations = [{ operator: 'Equal', value: 'x' }, { key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' }];
      s.topologySpreadConstraints = [
        { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      ];
    });
    expect(fields(p)).toEqual([
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values',
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight',
      'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
      'spec.tolerations[0].operator',
      'spec.tolerations[1].effect',
      'spec.topologySpreadConstraints[0].maxSkew',
      'spec.topologySpreadConstraints[1]',
    ]);
  });

  it('requires host ports to be unique and to match container ports on the host network', () => {
    const p = pod((s) => {
      s.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }];
      s.containers.push({ name: 'b', image: 'b', ports: [{ containerPort: 8080, hostPort: 8080 }] });
      s.hostNetwork = true;
    });
    expect(messages(p)).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 80: must match `hostPort` when `hostNetwork` is true',
      'spec.containers[1].ports[0].hostPort: Duplicate value: "8080/TCP"',
    ]);
  });

  it('rejects a bad service account name and node selector label', () => {
    const p = pod((s) => {
      s.serviceAccountName = 'Robot!';
      s.nodeSelector = { 'disk type': 'ssd' };
    });
    expect(fields(p)).toEqual(expect.arrayContaining(['spec.serviceAccountName', 'spec.nodeSelector']));
  });
});
