import { nearestResourceNames, parseResourceArgs, resolveResource, resourceForObject } from './resources';

describe('resources', () => {
  it('resolves short names, plurals and group-qualified names', () => {
    expect(resolveResource('po').kind).toBe('Pod');
    expect(resolveResource('deploy').kind).toBe('Deployment');
    expect(resolveResource('deployments.apps').group).toBe('apps');
  });

  it('suggests the nearest known names for an unknown type or kind', () => {
    expect(nearestResourceNames('pdos')[0]).toBe('pods');
    expect(() => resolveResource('deploymnets')).toThrow(/did you mean deployments\.apps/);
    expect(() => resourceForObject({ apiVersion: 'v1', kind: 'Servce', metadata: {} }, 'f.yaml:1')).toThrow(/f\.yaml:1: .*did you mean Service/);
  });

  it('reads TYPE NAME..., TYPE/NAME and comma-separated types', () => {
    expect(parseResourceArgs(['pods', 'a', 'b']).map((t) => `${t.type.resource}/${t.name}`)).toEqual(['pods/a', 'pods/b']);
    expect(parseResourceArgs(['po/a', 'deploy/b']).map((t) => `${t.type.resource}/${t.name}`)).toEqual(['pods/a', 'deployments/b']);
    expect(parseResourceArgs(['pods,services']).map((t) => t.type.resource)).toEqual(['pods', 'services']);
  });
});
