import { benchMain } from '../bench-program';
import { parseProxyBenchArgs, proxyUsage } from './proxy-options';
import { renderProxyTable } from './proxy-report';
import { interruptProxyBench, runProxyBench } from './run-proxy-bench';

/** `skiff-bench proxy`: owns its etcd, apiserver and network namespace, and removes them whatever happens. */
benchMain({
  parse: parseProxyBenchArgs,
  usage: proxyUsage,
  run: runProxyBench,
  render: renderProxyTable,
  interrupted: interruptProxyBench,
});
