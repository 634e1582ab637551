/** The metav1.Status a remotecommand v4 server writes on the error stream when the command is over. */
export interface RemoteCommandStatus {
  metadata?: Record<string, unknown>;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string; field?: string }[] };
}

export interface RemoteCommandResult {
  exitCode: number;
  /** The status as the server sent it (a plain Success when it sent nothing), e.g. to relay to kubectl. */
  status: RemoteCommandStatus;
}

/** The command could not be run, or the server answered in a way the protocol does not allow. */
export class RemoteCommandError extends Error {
  constructor(
    message: string,
    readonly status?: RemoteCommandStatus,
  ) {
    super(message);
    this.name = 'RemoteCommandError';
  }
}

export const NON_ZERO_EXIT_CODE_REASON = 'NonZeroExitCode';
export const EXIT_CODE_CAUSE = 'ExitCode';

/**
 * Reads the error stream's content the way kubectl does: nothing or Success is exit code 0; a Failure with reason
 * NonZeroExitCode carries the code in the cause of type ExitCode; any other Failure is an error with its message.
 */
export function decodeRemoteCommandStatus(text: string): RemoteCommandResult {
  if (text.trim() === '') return { exitCode: 0, status: { metadata: {}, status: 'Success' } };
  let status: RemoteCommandStatus;
  try {
    status = JSON.parse(text) as RemoteCommandStatus;
  } catch (err) {
    throw new RemoteCommandError(`error stream protocol error: ${(err as Error).message} in ${JSON.stringify(text)}`);
  }
  if (typeof status !== 'object' || status === null) {
    throw new RemoteCommandError(`error stream protocol error: not a Status object: ${JSON.stringify(text)}`);
  }
  if (status.status === 'Success') return { exitCode: 0, status };
  if (status.status !== 'Failure') {
    throw new RemoteCommandError(`error stream protocol error: unknown status ${JSON.stringify(status.status)}`, status);
  }
  if (status.reason !== NON_ZERO_EXIT_CODE_REASON) {
    throw new RemoteCommandError(status.message || `remote command failed (${status.reason ?? 'no reason given'})`, status);
  }
  const cause = status.details?.causes?.find((c) => c.reason === EXIT_CODE_CAUSE);
  if (!cause) throw new RemoteCommandError(`error stream protocol error: no ${EXIT_CODE_CAUSE} cause given`, status);
  const exitCode = /^\d{1,3}$/.test(cause.message ?? '') ? Number(cause.message) : NaN;
  if (!(exitCode >= 0 && exitCode <= 255)) {
    throw new RemoteCommandError(`error stream protocol error: invalid exit code value ${JSON.stringify(cause.message)}`, status);
  }
  return { exitCode, status };
}
