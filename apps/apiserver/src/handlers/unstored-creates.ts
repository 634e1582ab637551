import type { Request, Response } from 'express';
import type { KObject, LocalSubjectAccessReview, SelfSubjectAccessReview, SelfSubjectReview, SelfSubjectRulesReview, SubjectAccessReview, TokenReview } from '@skiff/api';
import type { UserInfo } from '@skiff/auth';
import { userOf } from '../auth/request-user';
import { reviewLocalSubjectAccess, reviewSelf, reviewSelfSubjectAccess, reviewSelfSubjectRules, reviewSubjectAccess, validateReview } from './access-reviews';
import type { ApiContext } from './api-context';
import { readObjectBodySource } from './body';
import { decodeObject, fieldValidationOf } from './decode';
import type { RequestInfo } from './request-info';
import { sendJSON } from './respond';
import { reviewToken } from './token-review';
import { badRequest, methodNotAllowed } from './status-error';
import { bindPod } from './subresources';
import { isDryRun } from './write-options';

interface CreateRequest {
  ctx: ApiContext;
  namespace?: string;
  user: UserInfo;
}

/** Answers one created object of a kind that is never stored; returns what to send back (201). */
type AnsweredCreate = (obj: KObject, r: CreateRequest) => KObject | Promise<KObject>;

const answered: Record<string, AnsweredCreate> = {
  'authorization.k8s.io/subjectaccessreviews': (obj, r) => reviewSubjectAccess(r.ctx, obj as unknown as SubjectAccessReview),
  'authorization.k8s.io/localsubjectaccessreviews': (obj, r) => reviewLocalSubjectAccess(r.ctx, r.namespace!, obj as unknown as LocalSubjectAccessReview) as unknown as KObject,
  'authorization.k8s.io/selfsubjectaccessreviews': (obj, r) => reviewSelfSubjectAccess(r.ctx, r.user, obj as unknown as SelfSubjectAccessReview),
  'authorization.k8s.io/selfsubjectrulesreviews': (obj, r) => reviewSelfSubjectRules(r.ctx, r.user, obj as unknown as SelfSubjectRulesReview),
  'authentication.k8s.io/selfsubjectreviews': (obj, r) => reviewSelf(r.user, obj as unknown as SelfSubjectReview),
  'authentication.k8s.io/tokenreviews': (obj, r) => reviewToken(r.ctx, obj as unknown as TokenReview),
};

/**
 * POST to a kind the scheme marks as not stored: Binding binds the pod it names; the reviews are decoded,
 * validated and answered with their status. Nothing reaches etcd or admission.
 */
export async function serveUnstoredCreate(ctx: ApiContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  const { type, namespace } = info;
  if (info.verb !== 'create' || info.subresource) throw methodNotAllowed(`${info.verb} is not supported on ${type.resource}`);
  const query = req.query as Record<string, unknown>;
  const { body, source } = await readObjectBodySource(req);
  if (type.group === '' && type.resource === 'bindings') {
    const podName = (body.metadata as { name?: string } | undefined)?.name;
    if (!podName) throw badRequest('Binding is invalid: metadata.name: Required value: the name of the pod to bind');
    return bindPod(ctx, namespace!, podName, body, res, isDryRun(query));
  }
  const answer = answered[`${type.group}/${type.resource}`];
  if (!answer) throw methodNotAllowed(`create is not supported on ${type.resource}`);
  const { obj, warnings } = decodeObject(type, body, fieldValidationOf(query), source);
  if (type.namespaced && namespace) obj.metadata.namespace ??= namespace;
  // The answer is the status: whatever the client put there (Go clients send empty lists as null) is replaced.
  delete (obj as { status?: unknown }).status;
  validateReview(type, obj);
  if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  sendJSON(res, 201, await answer(obj, { ctx, namespace, user: userOf(req) }));
}
