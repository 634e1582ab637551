import type { Pod } from './pod';
import { podQOSClass } from './pod-qos';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
function pod(...resources: Resources[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'busybox', resources: r })) },
  };
}

describe('podQOSClass', () => {
  it('is BestEffort with no cpu or memory requests or limits', () => {
    expect(podQOSClass(pod({}))).toBe('BestEffort');
    expect(podQOSClass(pod({ limits: { 'ephemeral-storage': '1Gi' } }))).toBe('BestEffort');
    expect(podQOSClass(pod({ requests: { cpu: '0' } }))).toBe('BestEffort');
  });

  it('is Guaranteed when limits equal requests, compared as quantities', () => {
    expect(podQOSClass(pod({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } }))).toBe(
      'Guaranteed',
    );
  });

  it('counts a missing request as its limit, as defaulting does', () => {
    expect(podQOSClass(pod({ limits: { cpu: '500m', memory: '64Mi' } }))).toBe('Guaranteed');
  });

  it('is Burstable when a container lacks a cpu or memory limit or requests less', () => {
    expect(podQOSClass(pod({ limits: { cpu: '1', memory: '1Gi' } }, {}))).toBe('Burstable');
    expect(podQOSClass(pod({ limits: { cpu: '1' } }))).toBe('Burstable');
    expect(podQOSClass(pod({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }))).toBe('Burstable');
    expect(podQOSClass(pod({ requests: { memory: '10Mi' } }))).toBe('Burstable');
  });

  it('includes init containers', () => {
    const p = pod({ limits: { cpu: '1', memory: '1Gi' } });
    p.spec.initContainers = [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '100m' } } }];
    expect(podQOSClass(p)).toBe('Burstable');
  });

  it('uses pod-level resources when they are set', () => {
    const p = pod({});
    p.spec.resources = { limits: { cpu: '2', memory: '2Gi' } };
    expect(podQOSClass(p)).toBe('Guaranteed');
  });
});
