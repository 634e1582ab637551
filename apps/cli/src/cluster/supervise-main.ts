// The background supervisor of `skiff up --detach` and `skiff join --detach`: `node supervise-main.js '<DetachedRun as
// JSON>'`. An entry of its own, so the detached process loads only what supervising needs, not every command of the CLI.
import { superviseJoinedNode } from './cluster-join';
import { superviseCluster } from './cluster-up';
import type { DetachedRun } from './detached-up';
import { hideTlsServerNameWarning } from '../quiet-warnings';

function detachedRun(): DetachedRun {
  try {
    const run = JSON.parse(process.argv[2] ?? '') as DetachedRun;
    if (run.command !== 'up' && run.command !== 'join') throw new Error('command must be up or join');
    if (typeof run.options?.dataDir !== 'string' || typeof run.options.startedAt !== 'number') throw new Error('dataDir and startedAt are required');
    return { ...run, options: { ...run.options, detached: true } } as DetachedRun;
  } catch (e) {
    process.stderr.write(`skiff supervisor: bad options ${JSON.stringify(process.argv[2])}: ${(e as Error).message}\n`);
    process.exit(2);
  }
}

hideTlsServerNameWarning();
const run = detachedRun();
(run.command === 'up' ? superviseCluster(run.options) : superviseJoinedNode(run.options)).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    process.stderr.write(`error: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  },
);
