import type { RequestAttributes } from './request-attributes';

/**
 * Kubernetes' three answers: Allow and Deny end the chain, NoOpinion passes the request to the next authorizer;
 * a request nobody allowed is forbidden.
 */
export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

export interface AuthorizerDecision {
  decision: Decision;
  /** Why; empty when there is nothing to say. A denial's reasons end up in the 403 message. */
  reason: string;
}

export interface Authorizer {
  authorize(attrs: RequestAttributes): AuthorizerDecision;
}

/** The chain's verdict for one request. */
export interface AuthorizationResult {
  allowed: boolean;
  /** The deciding authorizer's reason when allowed; the reasons of every authorizer that said no otherwise. */
  reason: string;
}

/**
 * Kubernetes' union authorizer: asks each authorizer in turn, the first Allow or Deny decides, and the reasons
 * of those without an opinion are kept, one a line, for the denial.
 */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    authorize(attrs) {
      const reasons: string[] = [];
      for (const a of authorizers) {
        const d = a.authorize(attrs);
        if (d.decision !== 'NoOpinion') return d;
        if (d.reason) reasons.push(d.reason);
      }
      return { decision: 'NoOpinion', reason: reasons.join('\n') };
    },
  };
}

export function resultOf(d: AuthorizerDecision): AuthorizationResult {
  return { allowed: d.decision === 'Allow', reason: d.reason };
}
