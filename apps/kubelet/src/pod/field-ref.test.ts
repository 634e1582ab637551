import { containerResourceValue, formatMap, goQuote, podFieldValue } from './field-ref';
import { testContainer, testPod } from './test-fixtures';

describe('podFieldValue', () => {
  const pod = testPod(
    { nodeName: 'node-1', serviceAccountName: 'robot' },
    { labels: { app: 'web', tier: 'front' }, annotations: { note: 'say "hi"\nbye' } },
  );
  pod.status = { podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }], hostIP: '192.168.1.2' };

  it('reads metadata, spec and status fields', () => {
    expect(podFieldValue(pod, 'metadata.name')).toBe('web');
    expect(podFieldValue(pod, 'metadata.namespace')).toBe('shop');
    expect(podFieldValue(pod, 'metadata.uid')).toBe('1111-2222');
    expect(podFieldValue(pod, "metadata.labels['tier']")).toBe('front');
    expect(podFieldValue(pod, "metadata.labels['missing']")).toBe('');
    expect(podFieldValue(pod, "metadata.annotations['note']")).toBe('say "hi"\nbye');
    expect(podFieldValue(pod, 'spec.nodeName')).toBe('node-1');
    expect(podFieldValue(pod, 'spec.serviceAccountName')).toBe('robot');
    expect(podFieldValue(pod, 'status.podIP')).toBe('10.0.0.5');
    expect(podFieldValue(pod, 'status.podIPs')).toBe('10.0.0.5,fd00::5');
    expect(podFieldValue(pod, 'status.hostIP')).toBe('192.168.1.2');
    expect(podFieldValue(pod, 'status.hostIPs')).toBe('192.168.1.2');
  });

  it('prefers the IPs the kubelet knows over the pod status', () => {
    expect(podFieldValue(pod, 'status.podIP', { podIPs: ['10.9.9.9'] })).toBe('10.9.9.9');
    expect(podFieldValue(pod, 'status.hostIPs', { hostIPs: ['1.1.1.1', '::1'] })).toBe('1.1.1.1,::1');
  });

  it('formats whole label and annotation maps as sorted key="value" lines', () => {
    expect(podFieldValue(pod, 'metadata.labels')).toBe('app="web"\ntier="front"');
    expect(podFieldValue(pod, 'metadata.annotations')).toBe('note="say \\"hi\\"\\nbye"');
    expect(formatMap({})).toBe('');
    expect(goQuote('tab\there\x01')).toBe('"tab\\there\\x01"');
  });

  it('rejects unsupported paths', () => {
    expect(() => podFieldValue(pod, 'spec.hostname')).toThrow('unsupported fieldPath: spec.hostname');
    expect(() => podFieldValue(pod, "spec.nodeName['x']")).toThrow('does not support subscript');
  });
});

describe('containerResourceValue', () => {
  const allocatable = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' };
  const c = testContainer({ resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1500m', memory: '128Mi' } } });

  it('rounds cpu up to whole cores by default and honours the divisor', () => {
    expect(containerResourceValue(c, 'requests.cpu', undefined, allocatable)).toBe('1');
    expect(containerResourceValue(c, 'limits.cpu', undefined, allocatable)).toBe('2');
    expect(containerResourceValue(c, 'limits.cpu', '1m', allocatable)).toBe('1500');
    expect(containerResourceValue(c, 'requests.cpu', '100m', allocatable)).toBe('3');
  });

  it('gives memory in bytes or in divisor units', () => {
    expect(containerResourceValue(c, 'limits.memory', undefined, allocatable)).toBe(String(128 * 1024 * 1024));
    expect(containerResourceValue(c, 'requests.memory', '1Mi', allocatable)).toBe('64');
    expect(containerResourceValue(c, 'limits.memory', '1G', allocatable)).toBe('1');
  });

  it('reads an unset limit as node allocatable and an unset request as 0', () => {
    const bare = testContainer();
    expect(containerResourceValue(bare, 'limits.cpu', undefined, allocatable)).toBe('4');
    expect(containerResourceValue(bare, 'limits.memory', '1Gi', allocatable)).toBe('8');
    expect(containerResourceValue(bare, 'limits.ephemeral-storage', '1Gi', allocatable)).toBe('100');
    expect(containerResourceValue(bare, 'requests.memory', undefined, allocatable)).toBe('0');
  });

  it('rejects unknown resources', () => {
    expect(() => containerResourceValue(c, 'limits.gpu', undefined, allocatable)).toThrow('unsupported container resource : limits.gpu');
    expect(() => containerResourceValue(c, 'cpu', undefined, allocatable)).toThrow('unsupported container resource');
  });
});
