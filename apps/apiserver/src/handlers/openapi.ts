import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { buildOpenAPIV3Documents, type Scheme } from '@skiff/api';
import { StatusError } from './status-error';

/**
 * Serves OpenAPI v3 the way Kubernetes does: `/openapi/v3` lists every group-version with a URL carrying the
 * hash of its document, and `/openapi/v3/<api/v1 | apis/g/v>` serves that document. kubectl reads them to
 * decide that the server validates fields (a PATCH operation with fieldValidation per kind), for merge keys and
 * for `explain`. `/openapi/v2`, the single Swagger 2.0 document, is openapi-v2.ts.
 */

interface ServedDocument {
  body: Buffer;
  /** sha512 of the body in upper-case hex, as upstream puts in `?hash=` and the ETag. */
  hash: string;
}

interface BuiltDocuments {
  root: ServedDocument;
  groupVersions: Map<string, ServedDocument>;
}

export interface OpenAPIV3ServiceOptions {
  /** The Kubernetes version reported in `info.version`. */
  version: string;
  strategicMergePatch?: boolean;
}

function served(value: unknown): ServedDocument {
  const body = Buffer.from(JSON.stringify(value));
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/** JSON is all this server produces; a client that accepts only other forms (protobuf) gets 406. */
function acceptsJSON(accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  return accept.split(',').some((range) => {
    const type = range.split(';')[0].trim().toLowerCase();
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

export class OpenAPIV3Service {
  private built?: BuiltDocuments;

  constructor(
    private readonly scheme: Scheme,
    private readonly opts: OpenAPIV3ServiceOptions,
  ) {}

  /** Built on first use and kept: the scheme does not change while the server runs. */
  documents(): BuiltDocuments {
    if (!this.built) {
      const docs = buildOpenAPIV3Documents(this.scheme, { version: this.opts.version, strategicMergePatch: this.opts.strategicMergePatch });
      const groupVersions = new Map<string, ServedDocument>();
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const [gv, doc] of docs) {
        const s = served(doc);
        groupVersions.set(gv, s);
        paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${s.hash}` };
      }
      this.built = { root: served({ paths }), groupVersions };
    }
    return this.built;
  }

  /** Express middleware for everything under `/openapi/v3`. */
  handler(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      try {
        const gv = req.path.replace(/^\/+|\/+$/g, '');
        const docs = this.documents();
        const doc = gv === '' ? docs.root : docs.groupVersions.get(gv);
        if (!doc) return next();
        if (!acceptsJSON(req.headers.accept)) {
          throw new StatusError(406, 'NotAcceptable', `only application/json is served here, not ${req.headers.accept}`);
        }
        const hash = typeof req.query.hash === 'string' ? req.query.hash : undefined;
        if (gv !== '' && hash !== undefined && hash !== doc.hash) {
          // A stale link: send the client to the current document, as upstream does.
          res.redirect(301, `/openapi/v3/${gv}?hash=${doc.hash}`);
          return;
        }
        res.setHeader('Vary', 'Accept');
        res.setHeader('ETag', `"${doc.hash}"`);
        if (hash !== undefined) {
          // The hash names this exact content, so the URL can be cached for good.
          res.setHeader('Cache-Control', 'public, immutable');
          res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
        } else {
          res.setHeader('Cache-Control', 'no-cache, private');
        }
        if (req.headers['if-none-match'] === `"${doc.hash}"`) {
          res.status(304).end();
          return;
        }
        res.status(200);
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Content-Length', doc.body.length);
        res.end(req.method === 'HEAD' ? undefined : doc.body);
      } catch (e) {
        next(e);
      }
    };
  }
}
