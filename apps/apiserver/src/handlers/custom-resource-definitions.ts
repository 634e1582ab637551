import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiContext } from './api-context';
import { sendJSON } from './respond';

/** The collection kubectl lists before validating a kind that has no PATCH operation (see below). */
export const customResourceDefinitionsPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/**
 * Skiff has no custom resources, so the list of CustomResourceDefinitions is always empty. kubectl asks for it
 * (cli-runtime's CRD finder) when a kind has no PATCH operation in OpenAPI — create-only kinds such as
 * SelfSubjectAccessReview — to tell a CRD from a built-in kind, and fails validation when the list cannot be
 * read. The group is not advertised in discovery: there is nothing else to use it for.
 */
export function emptyCustomResourceDefinitionList(ctx: ApiContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.query.watch === 'true' || req.query.watch === '1') return next();
    try {
      const resourceVersion = String(await ctx.store.currentRevision());
      sendJSON(res, 200, { kind: 'CustomResourceDefinitionList', apiVersion: 'apiextensions.k8s.io/v1', metadata: { resourceVersion }, items: [] });
    } catch (e) {
      next(e);
    }
  };
}
