import type { SubjectAccessReview } from '@skiff/api';
import type { RequestAttributes } from '@skiff/auth';
import { subjectAccessReviewOf, WebhookAuthorizer } from './webhook-authorizer';

const attrs = (user: string, subresource = 'proxy'): RequestAttributes => ({
  user: { name: user, groups: ['system:authenticated'] },
  verb: 'get',
  resourceRequest: true,
  path: '/pods',
  apiGroup: '',
  apiVersion: 'v1',
  resource: 'nodes',
  subresource,
  name: 'node-a',
});

describe('WebhookAuthorizer', () => {
  let now: number;
  let asked: SubjectAccessReview[];
  let answer: SubjectAccessReview['status'];
  const make = () =>
    new WebhookAuthorizer(
      async (r) => {
        asked.push(r);
        return { ...r, status: answer };
      },
      { authorizedTtlMs: 300_000, unauthorizedTtlMs: 30_000, now: () => now },
    );

  beforeEach(() => {
    now = 1_000_000;
    asked = [];
    answer = { allowed: true };
  });

  it('keeps an Allow for the authorized TTL, then asks again', async () => {
    const w = make();
    expect((await w.authorize(attrs('a'))).decision).toBe('Allow');
    now += 299_000;
    expect((await w.authorize(attrs('a'))).decision).toBe('Allow');
    expect(asked).toHaveLength(1);
    now += 2_000;
    await w.authorize(attrs('a'));
    expect(asked).toHaveLength(2);
  });

  it('keeps a refusal only for the shorter unauthorized TTL', async () => {
    const w = make();
    answer = { allowed: false, reason: 'no binding' };
    expect(await w.authorize(attrs('b'))).toEqual({ decision: 'NoOpinion', reason: 'no binding' });
    now += 29_000;
    await w.authorize(attrs('b'));
    expect(asked).toHaveLength(1);
    now += 2_000;
    answer = { allowed: true };
    expect((await w.authorize(attrs('b'))).decision).toBe('Allow');
  });

  it('tells apart users and subresources, and reports an explicit denial', async () => {
    const w = make();
    await w.authorize(attrs('a'));
    await w.authorize(attrs('b'));
    await w.authorize(attrs('a', 'stats'));
    expect(asked).toHaveLength(3);
    answer = { allowed: false, denied: true };
    expect((await w.authorize(attrs('c'))).decision).toBe('Deny');
  });

  it('fails, never allows, when the review fails or reports an evaluation error', async () => {
    const failing = new WebhookAuthorizer(async () => Promise.reject(new Error('connection refused')), { authorizedTtlMs: 1, unauthorizedTtlMs: 1 });
    await expect(failing.authorize(attrs('a'))).rejects.toThrow('connection refused');
    answer = { allowed: false, evaluationError: 'roles not found' };
    await expect(make().authorize(attrs('a'))).rejects.toThrow('roles not found');
  });

  it('sends non-resource requests as nonResourceAttributes', () => {
    const review = subjectAccessReviewOf({ user: { name: 'u', groups: [], uid: 'id-1' }, verb: 'get', resourceRequest: false, path: '/healthz' });
    expect(review.spec).toEqual({ user: 'u', groups: [], uid: 'id-1', nonResourceAttributes: { path: '/healthz', verb: 'get' } });
  });
});
