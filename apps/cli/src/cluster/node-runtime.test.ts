import { chooseNodeRuntime, hollowNodeWarning } from './node-runtime';

function tools(missing: string[] | Error) {
  const calls = { sysctls: 0 };
  return {
    calls,
    missingRuntimePackages: () => {
      if (missing instanceof Error) throw missing;
      return missing;
    },
    ensureNodeSysctls: () => {
      calls.sysctls++;
      return [];
    },
  };
}

describe('chooseNodeRuntime', () => {
  it('runs containers as root with every runtime package, after setting the node sysctls', () => {
    const t = tools([]);
    expect(chooseNodeRuntime({ isRoot: true, tools: t })).toEqual({ kind: 'containerd' });
    expect(t.calls.sysctls).toBe(1);
  });

  it('falls back to a hollow node, with a warning saying why, when not root', () => {
    const t = tools([]);
    const runtime = chooseNodeRuntime({ isRoot: false, tools: t });
    expect(runtime).toMatchObject({ kind: 'hollow', warn: true });
    expect(hollowNodeWarning(runtime as Extract<typeof runtime, { kind: 'hollow' }>)).toBe(
      'warning: hollow node — pods are scheduled and shown Running, but no containers run: not running as root (containers need root)',
    );
    expect(t.calls.sysctls).toBe(0);
  });

  it('names the missing packages and how to install them', () => {
    const runtime = chooseNodeRuntime({ isRoot: true, tools: tools(['containerd', 'runc']) });
    expect(runtime).toEqual({ kind: 'hollow', warn: true, why: 'missing containerd runc (apt-get install -y containerd runc, or npm start, installs them)' });
  });

  it('passes on why the packages could not be checked', () => {
    const runtime = chooseNodeRuntime({ isRoot: true, tools: tools(new Error('a Debian-based system is needed (no dpkg-query)')) });
    expect(runtime).toEqual({ kind: 'hollow', warn: true, why: 'a Debian-based system is needed (no dpkg-query)' });
  });

  it('runs a hollow node without a warning when asked to', () => {
    expect(chooseNodeRuntime({ hollow: true, isRoot: true, tools: tools([]) })).toEqual({ kind: 'hollow', warn: false, why: '--hollow was given' });
  });
});
