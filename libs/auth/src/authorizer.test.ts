import { unionAuthorizer, type Authorizer, type Decision } from './authorizer';
import { privilegedGroupsAuthorizer } from './privileged-groups';
import type { RequestAttributes } from './request-attributes';

const fixed = (decision: Decision, reason = ''): Authorizer => ({ authorize: () => ({ decision, reason }) });
const attrs = (groups: string[]): RequestAttributes => ({ user: { name: 'x', groups }, verb: 'get', resourceRequest: false, path: '/' });

describe('unionAuthorizer', () => {
  it('lets the first Allow or Deny decide', () => {
    expect(unionAuthorizer([fixed('NoOpinion'), fixed('Allow', 'yes'), fixed('Deny')]).authorize(attrs([]))).toEqual({ decision: 'Allow', reason: 'yes' });
    expect(unionAuthorizer([fixed('Deny', 'no'), fixed('Allow')]).authorize(attrs([]))).toEqual({ decision: 'Deny', reason: 'no' });
  });

  it('keeps the reasons of those without an opinion, one a line', () => {
    expect(unionAuthorizer([fixed('NoOpinion', 'a'), fixed('NoOpinion'), fixed('NoOpinion', 'b')]).authorize(attrs([]))).toEqual({ decision: 'NoOpinion', reason: 'a\nb' });
  });
});

describe('privilegedGroupsAuthorizer', () => {
  it('allows system:masters and has no opinion on anyone else', () => {
    const a = privilegedGroupsAuthorizer();
    expect(a.authorize(attrs(['system:masters'])).decision).toBe('Allow');
    expect(a.authorize(attrs(['system:authenticated'])).decision).toBe('NoOpinion');
  });
});
