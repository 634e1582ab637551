import { renderJsonPath } from './jsonpath';

const pod = {
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }] },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
};
const list = { items: [pod, { ...pod, metadata: { name: 'api' } }] };

describe('renderJsonPath', () => {
  it('reads fields and indexes', () => {
    expect(renderJsonPath('{.metadata.name}', pod)).toBe('web');
    expect(renderJsonPath('{.spec.containers[1].image}', pod)).toBe('busybox');
    expect(renderJsonPath('{.spec.containers[-1].name}', pod)).toBe('b');
  });

  it('joins several results with spaces and prints maps as JSON', () => {
    expect(renderJsonPath('{.spec.containers[*].name}', pod)).toBe('a b');
    expect(renderJsonPath('{.metadata.labels}', pod)).toBe('{"app":"web"}');
    expect(renderJsonPath('{..image}', pod)).toBe('nginx busybox');
  });

  it('filters list items', () => {
    expect(renderJsonPath('{.status.conditions[?(@.type=="Ready")].status}', pod)).toBe('False');
    expect(renderJsonPath("{.status.conditions[?(@.status!='False')].type}", pod)).toBe('PodScheduled');
  });

  it('repeats a range body with literal text and escapes', () => {
    expect(renderJsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}', list)).toBe('web\napi\n');
    expect(renderJsonPath('names: {.items[*].metadata.name}!', list)).toBe('names: web api!');
  });

  it('prints nothing for a missing field and rejects a range without end', () => {
    expect(renderJsonPath('{.spec.nodeName}', pod)).toBe('');
    expect(() => renderJsonPath('{range .items[*]}{.metadata.name}', list)).toThrow(/without \{end\}/);
  });
});
