/**
 * A patch that cannot be applied. `code` is the HTTP status the apiserver answers with: Kubernetes gives 422 for
 * lists of lists and 400 for malformed directives; the errors it leaves unclassified (a missing merge key, an
 * unknown `$patch` value), which reach its clients as a 500, are the client's fault and are 400 here.
 */
export class StrategicMergePatchError extends Error {
  constructor(
    readonly code: 400 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'StrategicMergePatchError';
  }
}

export const badPatch = (message: string) => new StrategicMergePatchError(400, message);
export const unprocessablePatch = (message: string) => new StrategicMergePatchError(422, message);

/** Compact rendering of a patch fragment for error messages. */
export const showJSON = (value: unknown): string => JSON.stringify(value) ?? String(value);

export const noMergeKey = (item: unknown, key: string) => badPatch(`map: ${showJSON(item)} does not contain declared merge key: ${key}`);
