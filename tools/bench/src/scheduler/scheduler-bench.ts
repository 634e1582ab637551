import { benchMain } from '../bench-program';
import { runSchedulerBench } from './run-scheduler-bench';
import { parseSchedulerBenchArgs, schedulerUsage } from './scheduler-options';
import { renderSchedulerTable } from './scheduler-report';

/** `skiff-bench scheduler`: owns its etcd, apiserver and scheduler and stops them by PID whatever happens. */
benchMain({
  parse: parseSchedulerBenchArgs,
  usage: schedulerUsage,
  run: (cp, opts, progress) =>
    runSchedulerBench({ url: new URL(cp.apiserver.url), apiserverPid: cp.apiserver.pid, etcdPid: cp.etcd.pid, etcdEndpoint: cp.etcd.endpoint }, opts, progress),
  render: renderSchedulerTable,
});
