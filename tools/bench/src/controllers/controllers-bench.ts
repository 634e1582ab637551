import { benchMain } from '../bench-program';
import { controllersUsage, parseControllersBenchArgs } from './controllers-options';
import { renderControllersTable } from './controllers-report';
import { runControllersBench } from './run-controllers-bench';

/** `skiff-bench controllers`: owns its etcd, apiserver and controller-manager and stops them by PID whatever happens. */
benchMain({
  parse: parseControllersBenchArgs,
  usage: controllersUsage,
  run: runControllersBench,
  render: renderControllersTable,
});
