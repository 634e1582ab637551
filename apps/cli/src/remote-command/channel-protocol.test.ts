import { closeStreamFrame, dataFrame, remoteCommandEnd, resizeFrame } from './channel-protocol';

describe('channel frames', () => {
  it('puts the stream id before the payload', () => {
    expect([...dataFrame(0, Buffer.from('hi'))]).toEqual([0, 0x68, 0x69]);
    expect([...closeStreamFrame(0)]).toEqual([255, 0]);
    expect(resizeFrame({ width: 120, height: 30 }).toString('latin1')).toBe('\x04{"Width":120,"Height":30}\n');
  });
});

describe('remoteCommandEnd', () => {
  const nonZero = (message: string | undefined) =>
    JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message }] } });

  it('reads Success as exit code 0 and NonZeroExitCode as its ExitCode cause', () => {
    expect(remoteCommandEnd('{"metadata":{},"status":"Success"}')).toEqual({ exitCode: 0 });
    expect(remoteCommandEnd(nonZero('3'))).toEqual({ exitCode: 3 });
    expect(remoteCommandEnd(nonZero('255'))).toEqual({ exitCode: 255 });
  });

  it('gives any other failure as its message', () => {
    expect(remoteCommandEnd(JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'Internal error occurred: boom' }))).toEqual({
      failure: 'Internal error occurred: boom',
    });
  });

  it('names what is wrong with a status that breaks the protocol', () => {
    expect(remoteCommandEnd('not json')).toEqual({ failure: expect.stringMatching(/^error stream protocol error: .* in "not json"$/) });
    expect(remoteCommandEnd('{"status":"Weird"}')).toEqual({ failure: 'error stream protocol error: unknown error' });
    expect(remoteCommandEnd(nonZero('300'))).toEqual({ failure: 'error stream protocol error: invalid exit code value "300"' });
    expect(remoteCommandEnd(nonZero('-1'))).toEqual({ failure: 'error stream protocol error: invalid exit code value "-1"' });
    expect(remoteCommandEnd(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [] } }))).toEqual({
      failure: 'error stream protocol error: no ExitCode cause given',
    });
  });
});
