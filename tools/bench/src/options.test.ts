import { parseBenchArgs, UsageError } from './options';

describe('parseBenchArgs', () => {
  it('defaults to 2000 pods, 32 in flight, 1000 warm-up pods, an own control plane and a table', () => {
    expect(parseBenchArgs(['apiserver'])).toEqual({ pods: 2000, concurrency: 32, warmup: 1000, server: undefined, apiserverPid: undefined, json: false, timeoutSeconds: 300 });
    expect(parseBenchArgs([])).toMatchObject({ pods: 2000 });
  });

  it('reads every flag', () => {
    const o = parseBenchArgs(['apiserver', '--pods', '500', '--concurrency=8', '--server', 'http://localhost:8080', '--apiserver-pid', '1234', '--json']);
    expect(o).toMatchObject({ pods: 500, concurrency: 8, apiserverPid: 1234, json: true });
    expect(o?.server?.href).toBe('http://127.0.0.1:8080/');
  });

  it('reads --warmup, and 0 turns the warm-up off', () => {
    expect(parseBenchArgs(['--warmup', '250'])?.warmup).toBe(250);
    expect(parseBenchArgs(['--warmup=0'])?.warmup).toBe(0);
  });

  it('never keeps more requests in flight than there are pods', () => {
    expect(parseBenchArgs(['--pods', '10', '--concurrency', '32'])?.concurrency).toBe(10);
  });

  it('returns undefined for --help', () => {
    expect(parseBenchArgs(['apiserver', '--help'])).toBeUndefined();
  });

  it.each([
    [['--pods', '0'], /--pods must be a whole number/],
    [['--pods', '1.5'], /--pods must be a whole number/],
    [['--concurrency', 'many'], /--concurrency must be a whole number/],
    [['--warmup=-1'], /--warmup must be a whole number from 0 to 100000/],
    [['--warmup', '100001'], /--warmup must be a whole number from 0 to 100000/],
    [['--warmup', 'lots'], /--warmup must be a whole number/],
    [['--warmup'], /warmup/],
    [['--server', 'http://10.0.0.1:8080'], /127\.0\.0\.1/],
    [['--server', 'https://127.0.0.1:6443'], /plain http/],
    [['--server', 'nonsense'], /must be a URL/],
    [['--apiserver-pid', '99'], /only makes sense with --server/],
    [['scheduler'], /unknown benchmark "scheduler"/],
    [['--bogus'], /bogus/],
  ])('rejects %j', (args, message) => {
    expect(() => parseBenchArgs(args)).toThrow(UsageError);
    expect(() => parseBenchArgs(args)).toThrow(message);
  });
});
