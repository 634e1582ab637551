import { Command } from 'commander';
import { addClientProgramFlags, durationFlag, parseProgramFlags, UsageError } from './program-flags';

const program = () => addClientProgramFlags(new Command('prog').option('--extra <x>'), { what: 'works', leaseName: 'prog', port: 10999 });

describe('client program flags', () => {
  it('gives the common options with their defaults', () => {
    expect(parseProgramFlags(program(), [])!.common).toEqual({
      kubeconfig: undefined,
      leaderElect: false,
      leaderElectResourceName: 'prog',
      leaderElectResourceNamespace: 'kube-system',
      leaderElectLeaseDurationMs: 15_000,
      leaderElectRenewDeadlineMs: 10_000,
      leaderElectRetryPeriodMs: 2_000,
      bindAddress: '127.0.0.1',
      port: 10999,
      verbosity: 0,
    });
    const parsed = parseProgramFlags(program(), ['--leader-elect', '--port=0', '--v=4', '--extra=1', '--kubeconfig=/k'])!;
    expect(parsed.common).toMatchObject({ leaderElect: true, port: 0, verbosity: 4, kubeconfig: '/k' });
    expect(parsed.opts.extra).toBe('1');
  });

  it('turns every bad command line into one UsageError line', () => {
    for (const argv of [['--port=99999'], ['--leader-elect=maybe'], ['--bogus'], ['stray']]) {
      let err: unknown;
      try {
        parseProgramFlags(program(), argv);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('reads the leader-election times and refuses ones that could give two leaders', () => {
    const parsed = parseProgramFlags(program(), ['--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=500ms'])!;
    expect(parsed.common).toMatchObject({ leaderElectLeaseDurationMs: 4000, leaderElectRenewDeadlineMs: 3000, leaderElectRetryPeriodMs: 500 });
    const refusal = (argv: string[]) => {
      try {
        parseProgramFlags(program(), argv);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(refusal(['--leader-elect-lease-duration=2s', '--leader-elect-renew-deadline=3s'])).toEqual(new UsageError('--leader-elect-lease-duration must be longer than --leader-elect-renew-deadline'));
    expect(refusal(['--leader-elect-lease-duration=1500ms'])).toBeInstanceOf(UsageError);
    expect(refusal(['--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=2s'])).toBeInstanceOf(UsageError);
  });

  it('leaves programs without the client flags alone', () => {
    expect(parseProgramFlags(new Command('plain').option('--port <p>'), ['--port=1'])!.opts.port).toBe('1');
  });

  it('returns undefined after printing help', () => {
    let text = '';
    expect(parseProgramFlags(program(), ['--help'], (t) => (text += t))).toBeUndefined();
    expect(text).toContain('--leader-elect');
  });

  it('reads Go-style durations', () => {
    expect(durationFlag('40s')).toBe(40_000);
    expect(durationFlag('1m30s')).toBe(90_000);
    expect(durationFlag('500ms')).toBe(500);
    expect(() => durationFlag('40')).toThrow('must be a duration');
  });
});
