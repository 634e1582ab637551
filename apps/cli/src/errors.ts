import { ApiError } from '@skiff/client';

/** A failure the CLI reports as one message and exit code 1, with no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A remote command (exec, attach) that ended with a non-zero exit code: skiff exits with the same code. */
export class CommandExitError extends Error {
  override name = 'CommandExitError';

  constructor(readonly exitCode: number) {
    super(`command terminated with exit code ${exitCode}`);
  }
}

/** What the user sees for a failed command: kubectl's `error: ...` line, made more specific where we can. */
export function describeError(err: unknown, server?: string, kubeconfig?: string): string {
  if (err instanceof ApiError) return describeApiError(err);
  if (err instanceof CliError) return `error: ${err.message}`;
  if (err instanceof CommandExitError) return err.message;
  const cause = (err as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    const where = kubeconfig ? ` (from kubeconfig ${kubeconfig})` : '';
    return `error: cannot reach the apiserver at ${server ?? 'the configured server'}${where}: ${code}. Is the apiserver running, and is this the right context?`;
  }
  return `error: ${(err as Error)?.message ?? String(err)}`;
}

/** A 422 lists every field path the server named, one a line. */
function describeApiError(err: ApiError): string {
  const causes = err.status.details?.causes ?? [];
  const head = `Error from server (${err.reason ?? err.code}): ${err.message}`;
  if (err.code !== 422 || causes.length === 0) return head;
  const details = err.status.details;
  const subject = details?.kind && details?.name ? `The ${details.kind} "${details.name}" is invalid:` : `Error from server (Invalid): ${err.message.split(': [')[0]}:`;
  const lines = causes.map((c) => `* ${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`);
  return [subject, ...lines].join('\n');
}
