import { controllerrevisions, deployments } from '../index';
import { dropNullFields } from './null-fields';

describe('dropNullFields', () => {
  it('drops nulls from struct fields at any depth, as decoding into typed structs does', () => {
    const d = { metadata: { name: 'd', creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null, labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', resources: null }] } } } };
    dropNullFields(deployments.schema, d);
    expect(d).toEqual({ metadata: { name: 'd' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  });

  it('keeps nulls inside free-form JSON', () => {
    const cr = { metadata: { name: 'r' }, revision: 1, data: { spec: { x: null } } };
    dropNullFields(controllerrevisions.schema, cr);
    expect(cr.data).toEqual({ spec: { x: null } });
  });
});
