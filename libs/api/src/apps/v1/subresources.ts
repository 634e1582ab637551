import type { SubresourceType } from '../../scheme/resource-type';

export const statusSubresource: SubresourceType = { name: 'status', verbs: ['get', 'patch', 'update'] };

/** The scale subresource speaks autoscaling/v1 Scale for every kind that has replicas. */
export const scaleSubresource: SubresourceType = {
  name: 'scale',
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  verbs: ['get', 'patch', 'update'],
};
