// The background supervisor of `skiff up --detach`: `node supervise-main.js '<UpOptions as JSON>'`. An entry of its
// own, so the detached process loads only what supervising needs, not every command of the CLI.
import { superviseCluster, type UpOptions } from './cluster-up';

function options(): UpOptions {
  try {
    const opts = JSON.parse(process.argv[2] ?? '') as UpOptions;
    if (typeof opts.dataDir !== 'string' || typeof opts.startedAt !== 'number') throw new Error('dataDir and startedAt are required');
    return { ...opts, detached: true };
  } catch (e) {
    process.stderr.write(`skiff supervisor: bad options ${JSON.stringify(process.argv[2])}: ${(e as Error).message}\n`);
    process.exit(2);
  }
}

superviseCluster(options()).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    process.stderr.write(`error: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  },
);
