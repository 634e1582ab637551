import { applyPodDefaults, defaultImagePullPolicy, defaultPodSpec } from './pod-defaults';
import type { Pod, PodSpec } from './pod';

describe('defaultImagePullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'],
    ['nginx@sha256:abcd', 'IfNotPresent'],
    ['nginx:latest@sha256:abcd', 'IfNotPresent'],
  ])('%s → %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });
});

describe('defaultPodSpec', () => {
  it('fills pod-level and container-level defaults the way Kubernetes does', () => {
    const spec: PodSpec = {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          livenessProbe: { httpGet: { port: 80 } },
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
      volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'scratch' }, { name: 's', secret: { secretName: 's' } }],
    };
    defaultPodSpec(spec);
    expect(spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
    });
    const c = spec.containers[0];
    expect(c).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    });
    expect(c.env?.[0].valueFrom?.fieldRef?.apiVersion).toBe('v1');
    expect(spec.volumes).toEqual([
      { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
      { name: 's', secret: { secretName: 's', defaultMode: 420 } },
    ]);
    // Template defaults leave pod-only fields alone.
    expect(spec.enableServiceLinks).toBeUndefined();
    expect(spec.serviceAccountName).toBeUndefined();
  });

  it('keeps the deprecated serviceAccount equal to serviceAccountName', () => {
    const spec: PodSpec = { containers: [{ name: 'a', image: 'a' }], serviceAccount: 'robot' };
    defaultPodSpec(spec);
    expect(spec.serviceAccountName).toBe('robot');
    expect(spec.serviceAccount).toBe('robot');
  });

  it('uses the container port as host port on the host network', () => {
    const spec: PodSpec = { hostNetwork: true, containers: [{ name: 'a', image: 'a', ports: [{ containerPort: 8080 }] }] };
    defaultPodSpec(spec);
    expect(spec.containers[0].ports?.[0].hostPort).toBe(8080);
  });
});

describe('applyPodDefaults', () => {
  it('adds pod-only defaults: service account, service links, requests from limits, phase Pending', () => {
    const pod: Pod = {
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'a', image: 'a', resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '100m' } } }] },
    };
    applyPodDefaults(pod);
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.serviceAccount).toBe('default');
    expect(pod.spec.enableServiceLinks).toBe(true);
    expect(pod.spec.containers[0].resources?.requests).toEqual({ cpu: '100m', memory: '1Gi' });
    expect(pod.spec.tolerations).toBeUndefined();
    expect(pod.status).toEqual({ phase: 'Pending' });
  });

  it('leaves an existing status alone', () => {
    const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'a' }] }, status: { phase: 'Running' } };
    applyPodDefaults(pod);
    expect(pod.status).toEqual({ phase: 'Running' });
  });
});
