import { spawn } from 'node:child_process';

/**
 * The lock real-node tests take for themselves. A different file from the one developers wrap whole runs in
 * (`flock /tmp/skiff-realnode.lock npx jest ...`), so a test run under that never waits for itself.
 */
export const realNodeLockFile = '/tmp/skiff-e2e-node.lock';

/**
 * Waits for the host's real-node lock and holds it until the returned function is called. Tests that run real nodes
 * (containerd, bridges, iptables, network namespaces) take it, so two of them never run at once in parallel jest
 * workers: each also checks that it left nothing behind, which another test's pods would spoil. The lock is an
 * flock(1) held by a child process, so it is released even if this process dies.
 */
export function holdRealNodeLock(file = realNodeLockFile): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const holder = spawn('flock', [file, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let settled = false;
    holder.once('error', (e) => {
      settled = true;
      reject(new Error(`cannot take ${file} with flock (util-linux): ${e.message}`));
    });
    holder.once('exit', (code) => {
      if (!settled) reject(new Error(`flock ${file} exited ${code} before taking the lock`));
    });
    holder.stdout.once('data', () => {
      settled = true;
      resolve(
        () =>
          new Promise<void>((done) => {
            if (holder.exitCode !== null) return done();
            holder.once('exit', () => done());
            // cat ends at end of input, and the lock goes with it.
            holder.stdin.end();
          }),
      );
    });
  });
}
