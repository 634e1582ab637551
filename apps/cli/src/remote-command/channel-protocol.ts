/**
 * The channel protocol of exec and attach over a WebSocket: every message is binary and starts with the id of
 * the stream it belongs to. v5 adds a close-stream message, which is how the end of stdin reaches the command.
 */
export const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ChannelProtocol = (typeof channelProtocols)[number];

export const Channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;

export interface TerminalSize {
  width: number;
  height: number;
}

export function dataFrame(channel: number, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

/** v5's "this stream has ended", e.g. `[255, 0]` when local stdin reaches its end. */
export function closeStreamFrame(channel: number): Buffer {
  return Buffer.from([Channel.close, channel]);
}

/** The terminal size message, JSON as the Kubernetes client encodes it (newline included). */
export function resizeFrame(size: TerminalSize): Buffer {
  return dataFrame(Channel.resize, Buffer.from(`${JSON.stringify({ Width: size.width, Height: size.height })}\n`));
}

/** How a remote command ended, from the Status sent on the status channel. */
export type RemoteCommandEnd = { exitCode: number } | { failure: string };

interface StatusCause {
  reason?: string;
  message?: string;
}

interface ChannelStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: StatusCause[] };
}

/**
 * Reads the Status the server sends when the command ends: Success is exit code 0, a NonZeroExitCode failure
 * carries the code in its ExitCode cause (0–255), and any other failure is its message.
 */
export function remoteCommandEnd(statusText: string): RemoteCommandEnd {
  let status: ChannelStatus;
  try {
    status = JSON.parse(statusText) as ChannelStatus;
  } catch (err) {
    return { failure: `error stream protocol error: ${(err as Error).message} in ${JSON.stringify(statusText)}` };
  }
  if (status?.status === 'Success') return { exitCode: 0 };
  if (status?.status !== 'Failure') return { failure: 'error stream protocol error: unknown error' };
  if (status.reason !== 'NonZeroExitCode') return { failure: status.message || 'the remote command failed without a message' };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (!cause) return { failure: 'error stream protocol error: no ExitCode cause given' };
  const code = Number(cause.message);
  if (!/^\d+$/.test(cause.message ?? '') || code > 255) return { failure: `error stream protocol error: invalid exit code value ${JSON.stringify(cause.message)}` };
  return { exitCode: code };
}
