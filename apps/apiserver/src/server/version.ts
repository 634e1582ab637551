/** The Kubernetes version Skiff emulates; kubectl's dispatcher picks its client binary from gitVersion. */
export const emulatedVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4+skiff',
  gitCommit: 'skiff',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};
