/** An image reference split into its parts, with Docker's defaults applied (docker.io, library/, latest). */
export interface ImageReference {
  /** e.g. 'docker.io' or '127.0.0.1:5000'. */
  domain: string;
  /** e.g. 'library/busybox'. */
  path: string;
  tag?: string;
  /** e.g. 'sha256:…' */
  digest?: string;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainPattern = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses an image name as container runtimes do (Docker's "normalized named" references): `busybox` →
 * docker.io/library/busybox:latest. Returns undefined for text that is not a valid reference.
 */
export function parseImageReference(text: string): ImageReference | undefined {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return undefined;
  }
  const components = rest.split('/');
  let domain = 'docker.io';
  if (components.length > 1 && (/[.:]/.test(components[0]) || components[0] === 'localhost')) {
    domain = components.shift()!;
    if (!domainPattern.test(domain)) return undefined;
  }
  if (components.length === 0 || !components.every((c) => pathComponent.test(c))) return undefined;
  if (domain === 'docker.io' && components.length === 1) components.unshift('library');
  if (!tag && !digest) tag = 'latest';
  return { domain, path: components.join('/'), tag, digest };
}

export function repositoryOf(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full form of a reference: 'busybox' → 'docker.io/library/busybox:latest'. */
export function formatImageReference(ref: ImageReference): string {
  return `${repositoryOf(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The full form of `text`, or undefined when it is not a valid image reference. */
export function normalizeImageReference(text: string): string | undefined {
  const ref = parseImageReference(text);
  return ref && formatImageReference(ref);
}
