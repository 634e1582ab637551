import { decodeRemoteCommandStatus, RemoteCommandError } from './remote-command-status';

const nonZero = (causes: unknown[]) => JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated', details: { causes } });

describe('decodeRemoteCommandStatus', () => {
  it('reads Success, and an empty error stream, as exit code 0', () => {
    expect(decodeRemoteCommandStatus('{"metadata":{},"status":"Success"}')).toEqual({ exitCode: 0, status: { metadata: {}, status: 'Success' } });
    expect(decodeRemoteCommandStatus('')).toEqual({ exitCode: 0, status: { metadata: {}, status: 'Success' } });
  });

  it('takes the exit code from the ExitCode cause of a NonZeroExitCode failure', () => {
    expect(decodeRemoteCommandStatus(nonZero([{ reason: 'Other', message: 'x' }, { reason: 'ExitCode', message: '3' }])).exitCode).toBe(3);
    expect(decodeRemoteCommandStatus(nonZero([{ reason: 'ExitCode', message: '255' }])).exitCode).toBe(255);
  });

  it.each([
    ['no ExitCode cause', nonZero([{ reason: 'Other', message: '1' }]), /no ExitCode cause given/],
    ['a code that is not a number', nonZero([{ reason: 'ExitCode', message: 'three' }]), /invalid exit code value "three"/],
    ['a code out of range', nonZero([{ reason: 'ExitCode', message: '256' }]), /invalid exit code value "256"/],
    ['a negative code', nonZero([{ reason: 'ExitCode', message: '-1' }]), /invalid exit code value "-1"/],
    ['text that is not JSON', 'command failed', /error stream protocol error: .* in "command failed"/],
    ['JSON that is not an object', '42', /not a Status object/],
    ['an unknown status', '{"status":"Pending"}', /unknown status "Pending"/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => decodeRemoteCommandStatus(text)).toThrow(message);
  });

  it('turns any other failure into an error carrying the message and the status', () => {
    const status = { metadata: {}, status: 'Failure', reason: 'InternalError', code: 500, message: 'error executing command in container: boom' };
    let caught: unknown;
    try {
      decodeRemoteCommandStatus(JSON.stringify(status));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RemoteCommandError);
    expect(caught).toMatchObject({ message: 'error executing command in container: boom', status });
    expect(() => decodeRemoteCommandStatus('{"status":"Failure","reason":"Forbidden"}')).toThrow('remote command failed (Forbidden)');
  });
});
