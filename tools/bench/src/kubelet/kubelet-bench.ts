import { benchMain } from '../bench-program';
import { kubeletUsage, parseKubeletBenchArgs } from './kubelet-options';
import { renderKubeletTable } from './kubelet-report';
import { interruptKubeletBench, runKubeletBench } from './run-kubelet-bench';

/** `skiff-bench kubelet`: owns its etcd, apiserver, scheduler, registry and node, and removes them whatever happens. */
benchMain({
  parse: parseKubeletBenchArgs,
  usage: kubeletUsage,
  run: runKubeletBench,
  render: renderKubeletTable,
  interrupted: interruptKubeletBench,
});
