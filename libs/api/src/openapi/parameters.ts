import type { OpenAPIParameter } from './types';

/** The query and path parameters of Kubernetes REST operations, described the way clients read them. */

const query = (name: string, type: 'string' | 'boolean' | 'integer', description: string): OpenAPIParameter => ({
  name,
  in: 'query',
  description,
  schema: type === 'integer' ? { type, format: 'int32' } : { type },
  uniqueItems: true,
});

export const nameParam = (kind: string): OpenAPIParameter => ({
  name: 'name',
  in: 'path',
  description: `name of the ${kind}`,
  required: true,
  schema: { type: 'string' },
  uniqueItems: true,
});
export const namespaceParam: OpenAPIParameter = {
  name: 'namespace',
  in: 'path',
  description: 'object name and auth scope, such as for teams and projects',
  required: true,
  schema: { type: 'string' },
  uniqueItems: true,
};
export const prettyParam = query('pretty', 'string', "If 'true', then the output is pretty printed.");

export const dryRunParam = query(
  'dryRun',
  'string',
  'When present, indicates that modifications should not be persisted. The only valid value is All: every stage is processed, nothing is stored.',
);
export const fieldManagerParam = query(
  'fieldManager',
  'string',
  'A name associated with the actor or entity that is making these changes; at most 128 printable characters.',
);
export const fieldValidationParam = query(
  'fieldValidation',
  'string',
  'How the server handles fields of the request body it does not know, and duplicate fields. Ignore drops them silently; Warn (the default) drops them and adds a Warning header for each; Strict fails the request with a BadRequest error listing every unknown and duplicate field.',
);
export const forceParam = query(
  'force',
  'boolean',
  'Force is going to "force" Apply requests: the request takes over fields owned by other managers. Must be unset for non-apply patch requests.',
);

const gracePeriodSeconds = query(
  'gracePeriodSeconds',
  'integer',
  'The duration in seconds before the object should be deleted; 0 deletes immediately. Defaults to the per-kind value when unset.',
);
const orphanDependents = query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.');
const propagationPolicy = query(
  'propagationPolicy',
  'string',
  "Whether and how garbage collection is performed: 'Orphan', 'Background' (delete dependents in the background) or 'Foreground' (delete dependents first).",
);

const listQuery: OpenAPIParameter[] = [
  query('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events of type BOOKMARK. Servers may ignore it.'),
  query('continue', 'string', 'The continue token returned by a previous list call, to fetch the next page.'),
  query('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  query('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  query('limit', 'integer', 'Maximum number of objects to return; the response carries a continue token when more exist.'),
  query('resourceVersion', 'string', 'Which resource versions a request may be served from; "0" allows any cached state.'),
  query('resourceVersionMatch', 'string', 'How resourceVersion is applied to list calls: Exact or NotOlderThan.'),
  query('sendInitialEvents', 'boolean', 'With watch=true, start the watch stream with synthetic events for the current state.'),
  query('timeoutSeconds', 'integer', 'Timeout for the list/watch call, regardless of activity.'),
];

export const listParams: OpenAPIParameter[] = [...listQuery, query('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update and remove notifications.')];
export const writeParams: OpenAPIParameter[] = [dryRunParam, fieldManagerParam, fieldValidationParam];
export const patchParams: OpenAPIParameter[] = [dryRunParam, fieldManagerParam, fieldValidationParam, forceParam];
export const deleteParams: OpenAPIParameter[] = [dryRunParam, gracePeriodSeconds, orphanDependents, propagationPolicy];
export const deleteCollectionParams: OpenAPIParameter[] = [
  ...deleteParams,
  ...listQuery.filter((p) => p.name !== 'allowWatchBookmarks'),
];
export const logParams: OpenAPIParameter[] = [
  query('container', 'string', 'The container for which to stream logs. Defaults to the only container if there is one.'),
  query('follow', 'boolean', 'Follow the log stream of the pod.'),
  query('limitBytes', 'integer', 'The number of bytes to read from the server before terminating the log output.'),
  query('previous', 'boolean', 'Return the logs of the previous, terminated container.'),
  query('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
  query('tailLines', 'integer', 'The number of lines from the end of the logs to show.'),
  query('timestamps', 'boolean', 'Prefix every line of log output with an RFC 3339 timestamp.'),
];
