import { parseSchedulerFlags, UsageError } from './options';

describe('skiff-scheduler flags', () => {
  it('has Kubernetes-like defaults', () => {
    expect(parseSchedulerFlags([])).toEqual({
      kubeconfig: undefined,
      leaderElect: false,
      leaderElectResourceName: 'kube-scheduler',
      leaderElectResourceNamespace: 'kube-system',
      leaderElectLeaseDurationMs: 15_000,
      leaderElectRenewDeadlineMs: 10_000,
      leaderElectRetryPeriodMs: 2_000,
      schedulerName: 'default-scheduler',
      percentageOfNodesToScore: 0,
      bindAddress: '127.0.0.1',
      port: 10251,
      verbosity: 0,
    });
  });

  it('reads every flag, including --leader-elect with and without a value', () => {
    const o = parseSchedulerFlags(['--kubeconfig=/k', '--leader-elect', '--scheduler-name', 'gpu-scheduler', '--percentage-of-nodes-to-score=30', '--port=0', '--v=4']);
    expect(o).toMatchObject({ kubeconfig: '/k', leaderElect: true, schedulerName: 'gpu-scheduler', percentageOfNodesToScore: 30, port: 0, verbosity: 4 });
    expect(parseSchedulerFlags(['--leader-elect=false'])?.leaderElect).toBe(false);
  });

  it.each([
    [['--port=70000'], /--port/],
    [['--percentage-of-nodes-to-score=101'], /0 to 100/],
    [['--leader-elect=maybe'], /true or false/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--scheduler-name=Not_Valid'], /scheduler name/],
    [['extra'], /too many arguments|excess|unexpected/i],
  ])('rejects %j with one line', (argv, message) => {
    let err: unknown;
    try {
      parseSchedulerFlags(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('prints help and returns nothing for --help', () => {
    let printed = '';
    expect(parseSchedulerFlags(['--help'], (t) => (printed += t))).toBeUndefined();
    expect(printed).toContain('--percentage-of-nodes-to-score');
  });
});
