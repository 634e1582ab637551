import type { Pod } from '@skiff/api';
import { allContainerNames, defaultContainerOf, podNameOf } from './pod-container';

const pod = (containers: string[], extra: { init?: string[]; ephemeral?: string[]; annotation?: string } = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'duo', namespace: 'default', ...(extra.annotation ? { annotations: { 'kubectl.kubernetes.io/default-container': extra.annotation } } : {}) },
    spec: {
      containers: containers.map((name) => ({ name, image: 'busybox' })),
      ...(extra.init ? { initContainers: extra.init.map((name) => ({ name, image: 'busybox' })) } : {}),
      ...(extra.ephemeral ? { ephemeralContainers: extra.ephemeral.map((name) => ({ name, image: 'busybox' })) } : {}),
    },
  }) as Pod;

function pick(p: Pod, reportMissingAnnotated = false): { container: string; notes: string[] } {
  const notes: string[] = [];
  const container = defaultContainerOf(p, { warn: (l) => notes.push(l), reportMissingAnnotated });
  return { container, notes };
}

describe('defaultContainerOf', () => {
  it('takes the only container without a note', () => {
    expect(pick(pod(['app']))).toEqual({ container: 'app', notes: [] });
  });

  it('takes the first of several and says so, listing every container as kubectl does', () => {
    expect(pick(pod(['a', 'b'], { init: ['setup'], ephemeral: ['debug'] }))).toEqual({
      container: 'a',
      notes: ['Defaulted container "a" out of: a, b, debug (ephem), setup (init)'],
    });
    expect(allContainerNames(pod(['a'], { init: ['setup'] }))).toBe('a, setup (init)');
  });

  it('follows the default-container annotation silently', () => {
    expect(pick(pod(['a', 'b'], { annotation: 'b' }))).toEqual({ container: 'b', notes: [] });
  });

  it('falls back to the first container when the annotated one is missing, which logs reports', () => {
    expect(pick(pod(['a', 'b'], { annotation: 'zz' }))).toEqual({ container: 'a', notes: ['Defaulted container "a" out of: a, b'] });
    expect(pick(pod(['a', 'b'], { annotation: 'zz' }), true).notes).toEqual(['Default container name "zz" not found in pod duo', 'Defaulted container "a" out of: a, b']);
  });

  it('keeps quiet without a warn sink (-q)', () => {
    expect(defaultContainerOf(pod(['a', 'b']))).toBe('a');
  });
});

describe('podNameOf', () => {
  it('accepts pod names in kubectl\'s forms and refuses other kinds', () => {
    expect(['web', 'pod/web', 'pods/web', 'po/web'].map((t) => podNameOf(t, 'exec'))).toEqual(['web', 'web', 'web', 'web']);
    expect(() => podNameOf('deploy/web', 'exec')).toThrow('exec works on pods: give a pod name or pod/NAME, not "deploy/web"');
  });
});
