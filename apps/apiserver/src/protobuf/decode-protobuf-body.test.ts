import { StatusError } from '../handlers/status-error';
import { decodeProtobufBody } from './decode-protobuf-body';
import { protobufBody, protobufEnvelope } from './test-bodies';

const core = 'k8s.io.api.core.v1';
const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Go's protobuf encoder writes every non-pointer field, zero or not, and an empty creationTimestamp. */
const goMeta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  generateName: '',
  namespace: '',
  selfLink: '',
  uid: '',
  resourceVersion: '',
  generation: 0,
  creationTimestamp: {},
  ...extra,
});

function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('decodeProtobufBody', () => {
  it('decodes a Namespace, taking apiVersion and kind from the envelope and dropping zero values', () => {
    const body = protobufBody('v1', 'Namespace', `${core}.Namespace`, {
      metadata: goMeta('team-a', { labels: { env: 'prod' }, annotations: { note: 'x' } }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: '' },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { env: 'prod' }, annotations: { note: 'x' } },
      spec: { finalizers: ['kubernetes'] },
      status: {},
    });
  });

  it('decodes a ConfigMap: data as strings, binaryData as base64, a false pointer kept', () => {
    const body = protobufBody('v1', 'ConfigMap', `${core}.ConfigMap`, {
      metadata: goMeta('settings', { namespace: 'default' }),
      data: { 'a.conf': 'x=1\n', b: '' },
      binaryData: { 'logo.bin': Buffer.from([0x00, 0xff, 0x10, 0x80]) },
      immutable: false,
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
      data: { 'a.conf': 'x=1\n', b: '' },
      binaryData: { 'logo.bin': 'AP8QgA==' },
      immutable: false,
    });
  });

  it('decodes a Secret: data bytes as base64, stringData and type as given', () => {
    const body = protobufBody('v1', 'Secret', `${core}.Secret`, {
      metadata: goMeta('creds'),
      data: { password: Buffer.from('s3cr3t') },
      stringData: { user: 'admin' },
      type: 'Opaque',
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      data: { password: Buffer.from('s3cr3t').toString('base64') },
      stringData: { user: 'admin' },
      type: 'Opaque',
    });
  });

  it('decodes a Deployment with its pod template, quantities, int-or-strings and inlined structs', () => {
    const container = {
      name: 'web',
      image: 'nginx:1.27',
      workingDir: '',
      // containerPort has no omitempty in Go (kept even at 0); hostPort and protocol do (dropped at zero).
      ports: [{ name: 'http', hostPort: 0, containerPort: 80, protocol: '', hostIP: '' }],
      env: [
        { name: 'MODE', value: 'fast' },
        { name: 'LEVEL', value: '', valueFrom: { configMapKeyRef: { localObjectReference: { name: 'settings' }, key: 'level' } } },
      ],
      resources: {
        limits: { cpu: { string: '500m' }, memory: { string: '256Mi' } },
        requests: { cpu: { string: '100m' } },
      },
      volumeMounts: [{ name: 'scratch', readOnly: false, mountPath: '/tmp', subPath: '' }],
      readinessProbe: {
        handler: { httpGet: { path: '/healthz', port: { type: 1, intVal: 0, strVal: 'http' }, host: '', scheme: 'HTTP' } },
        initialDelaySeconds: 0,
        periodSeconds: 5,
      },
      livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080, strVal: '' }, host: '' } } },
      stdin: false,
      tty: false,
    };
    const body = protobufBody('apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', {
      metadata: goMeta('web', { namespace: 'shop', labels: { app: 'web' } }),
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: goMeta('', { labels: { app: 'web' } }),
          spec: {
            containers: [container],
            volumes: [{ name: 'scratch', volumeSource: { emptyDir: { medium: '', sizeLimit: { string: '1Gi' } } } }],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            hostNetwork: false,
          },
        },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: { type: 0, intVal: 0, strVal: '' }, maxSurge: { type: 1, intVal: 0, strVal: '25%' } },
        },
        minReadySeconds: 0,
        paused: false,
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                ports: [{ name: 'http', containerPort: 80 }],
                env: [
                  { name: 'MODE', value: 'fast' },
                  { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
                ],
                resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } },
                volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
                livenessProbe: { tcpSocket: { port: 8080 } },
              },
            ],
            volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
  });

  it('decodes a Job: int64 fields as numbers, command lists, pointer fields only when sent', () => {
    const body = protobufBody('batch/v1', 'Job', 'k8s.io.api.batch.v1.Job', {
      metadata: goMeta('pi'),
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 9_007_199_254_740_000,
        backoffLimit: 0,
        ttlSecondsAfterFinished: 100,
        template: {
          metadata: goMeta(''),
          spec: {
            containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'], args: [] }],
            restartPolicy: 'Never',
          },
        },
      },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi' },
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 9_007_199_254_740_000,
        backoffLimit: 0,
        ttlSecondsAfterFinished: 100,
        template: { metadata: {}, spec: { containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'] }], restartPolicy: 'Never' } },
      },
    });
  });

  it('decodes a CronJob with its job template', () => {
    const body = protobufBody('batch/v1', 'CronJob', 'k8s.io.api.batch.v1.CronJob', {
      metadata: goMeta('nightly'),
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'Etc/UTC',
        startingDeadlineSeconds: 120,
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          metadata: goMeta('nightly'),
          spec: { template: { metadata: goMeta(''), spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } },
        },
        successfulJobsHistoryLimit: 3,
      },
      status: {},
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'Etc/UTC',
        startingDeadlineSeconds: 120,
        concurrencyPolicy: 'Forbid',
        suspend: false,
        jobTemplate: {
          metadata: { name: 'nightly' },
          spec: { template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } },
        },
        successfulJobsHistoryLimit: 3,
      },
      status: {},
    });
  });

  it('renders Time with seconds, MicroTime with six digits, and leaves Go zero times out', () => {
    const body = protobufBody('v1', 'Event', `${core}.Event`, {
      metadata: goMeta('e1', {
        deletionTimestamp: { seconds: 1714557600 },
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            time: { seconds: 1714557600 },
            fieldsType: 'FieldsV1',
            fieldsV1: { Raw: Buffer.from('{"f:data":{}}') },
          },
        ],
      }),
      involvedObject: { kind: 'Pod', name: 'web' },
      reason: 'Started',
      firstTimestamp: { seconds: -62135596800 },
      lastTimestamp: { seconds: 1714557601, nanos: 999 },
      eventTime: { seconds: 1714557600, nanos: 123456789 },
      count: 0,
      reportingComponent: '',
    });
    const decoded = decodeProtobufBody(body);
    expect(decoded.metadata).toEqual({
      name: 'e1',
      deletionTimestamp: '2024-05-01T10:00:00Z',
      managedFields: [{ manager: 'kubectl', operation: 'Update', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
    });
    expect(decoded.firstTimestamp).toBeUndefined();
    expect(decoded.lastTimestamp).toBe('2024-05-01T10:00:01Z');
    expect(decoded.eventTime).toBe('2024-05-01T10:00:00.123456Z');
    expect(decoded.count).toBeUndefined();
    // reportingComponent has no omitempty in Go: an empty one is shown, even when not sent.
    expect(decoded.reportingComponent).toBe('');
    expect(decoded.reportingInstance).toBe('');
  });

  it('parses RawExtension bytes as JSON (ControllerRevision.data)', () => {
    const body = protobufBody('apps/v1', 'ControllerRevision', 'k8s.io.api.apps.v1.ControllerRevision', {
      metadata: goMeta('web-1'),
      data: { raw: Buffer.from('{"spec":{"template":{"metadata":{"labels":{"app":"web"}}}}}') },
      revision: 3,
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'web-1' },
      data: { spec: { template: { metadata: { labels: { app: 'web' } } } } },
      revision: 3,
    });
  });

  it('keeps zero values of fields Go always shows (PriorityClass.value), sent or not', () => {
    const sent = protobufBody('scheduling.k8s.io/v1', 'PriorityClass', 'k8s.io.api.scheduling.v1.PriorityClass', {
      metadata: goMeta('zero'),
      value: 0,
      globalDefault: false,
      description: '',
    });
    expect(decodeProtobufBody(sent)).toEqual({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'zero' }, value: 0 });
    const unsent = protobufBody('scheduling.k8s.io/v1', 'PriorityClass', 'k8s.io.api.scheduling.v1.PriorityClass', { metadata: { name: 'zero' } });
    expect(decodeProtobufBody(unsent)).toMatchObject({ value: 0 });
  });

  it('decodes an Eviction with its DeleteOptions, keeping a zero grace period', () => {
    const body = protobufBody('policy/v1', 'Eviction', 'k8s.io.api.policy.v1.Eviction', {
      metadata: goMeta('web-0', { namespace: 'shop' }),
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'abc' }, dryRun: ['All'] },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-0', namespace: 'shop' },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'abc' }, dryRun: ['All'] },
    });
  });

  it('decodes DeleteOptions sent in any group version', () => {
    const body = protobufBody('apps/v1', 'DeleteOptions', `${meta}.DeleteOptions`, { propagationPolicy: 'Foreground' });
    expect(decodeProtobufBody(body)).toEqual({ apiVersion: 'apps/v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' });
  });

  describe('bad bodies', () => {
    const namespace = () => protobufBody('v1', 'Namespace', `${core}.Namespace`, { metadata: goMeta('x') });

    it('answers 400 for bytes that are not protobuf', () => {
      const truncated = namespace().subarray(0, 12);
      expect(statusOf(() => decodeProtobufBody(truncated))).toMatchObject({ code: 400, reason: 'BadRequest', message: expect.stringMatching(/^error decoding protobuf envelope/) });
    });

    it('answers 400 when the object inside the envelope is malformed', () => {
      const body = protobufEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw: Buffer.from([0x0a, 0x05, 0x0a]) });
      expect(statusOf(() => decodeProtobufBody(body))).toMatchObject({ code: 400, message: expect.stringMatching(/^error decoding protobuf Namespace: /) });
    });

    it('answers 400 without the k8s prefix, for an empty body and for an envelope without a kind', () => {
      expect(statusOf(() => decodeProtobufBody(namespace().subarray(4)))).toMatchObject({ code: 400, message: expect.stringContaining('k8s\\x00') });
      expect(statusOf(() => decodeProtobufBody(Buffer.alloc(0)))).toMatchObject({ code: 400, message: expect.stringContaining('empty') });
      expect(statusOf(() => decodeProtobufBody(protobufEnvelope({ typeMeta: { apiVersion: 'v1' } })))).toMatchObject({ code: 400 });
    });

    it('answers 400 when a RawExtension is not JSON', () => {
      const body = protobufBody('apps/v1', 'ControllerRevision', 'k8s.io.api.apps.v1.ControllerRevision', { metadata: { name: 'r' }, data: { raw: Buffer.from('{oops') } });
      expect(statusOf(() => decodeProtobufBody(body))).toMatchObject({ code: 400, message: expect.stringContaining('data: the embedded object is not JSON') });
    });

    it('answers 415 for kinds Skiff does not serve, and for parts of kinds', () => {
      expect(statusOf(() => decodeProtobufBody(protobufEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'PersistentVolume' }, raw: Buffer.alloc(0) })))).toMatchObject({
        code: 415,
        reason: 'UnsupportedMediaType',
        message: expect.stringContaining('PersistentVolume in v1'),
      });
      expect(statusOf(() => decodeProtobufBody(protobufEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'PodSpec' } })))).toMatchObject({ code: 415 });
      // Skiff's .proto has PersistentVolumeClaim (StatefulSet templates embed it), but Skiff serves no such kind.
      expect(statusOf(() => decodeProtobufBody(protobufEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } })))).toMatchObject({ code: 415 });
      expect(statusOf(() => decodeProtobufBody(protobufEnvelope({ typeMeta: { apiVersion: 'example.com/v1', kind: 'Widget' } })))).toMatchObject({ code: 415 });
    });

    it('answers 415 for a compressed envelope', () => {
      const body = protobufEnvelope({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw: Buffer.alloc(0), contentEncoding: 'gzip' });
      expect(statusOf(() => decodeProtobufBody(body))).toMatchObject({ code: 415 });
    });
  });
});
