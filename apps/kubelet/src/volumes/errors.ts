/** One volume that could not be made ready, with the reason in the kubelet's words. */
export interface VolumeFailure {
  volume: string;
  message: string;
}

/**
 * Some of a pod's volumes could not be set up. The message is Kubernetes' FailedMount event text, one
 * `MountVolume.SetUp failed for volume "<name>" : <reason>` per volume; the pod stays ContainerCreating and
 * the worker tries again later.
 */
export class VolumeSetUpError extends Error {
  readonly reason = 'FailedMount';

  constructor(readonly failures: VolumeFailure[]) {
    super(failures.map((f) => `MountVolume.SetUp failed for volume "${f.volume}" : ${f.message}`).join('; '));
    this.name = 'VolumeSetUpError';
  }
}
