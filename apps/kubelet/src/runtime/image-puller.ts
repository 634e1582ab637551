import { defaultImagePullPolicy, type Container, type Pod } from '@skiff/api';
import type { Clock } from '@skiff/client';
import type { ContainerRuntime, Image, PodSandboxConfig } from '@skiff/cri';
import type { Backoff } from './backoff';

export type PodEventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export type ImageResult = { imageRef: string; user?: { uid?: number; username?: string } } | { reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName'; message: string };

function imageUser(image: Image): { uid?: number; username?: string } | undefined {
  if (image.uid?.value === undefined && !image.username) return undefined;
  return { uid: image.uid?.value, username: image.username || undefined };
}

/**
 * Makes a container's image present as its imagePullPolicy says, with the kubelet's events and a per-image
 * back-off: a failed pull is ErrImagePull, and retries wait 10 s doubling to 5 min (ImagePullBackOff).
 */
export class ImagePuller {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly backoff: Backoff,
    private readonly clock: Clock,
    private readonly record: PodEventSink,
  ) {}

  /** How long the image's pull back-off still has to run for this pod, in ms. */
  retryInMs(pod: Pod, container: Container): number {
    return this.backoff.remaining(`${pod.metadata.uid}/${container.image ?? ''}`);
  }

  async ensureImage(pod: Pod, container: Container, sandboxConfig: PodSandboxConfig): Promise<ImageResult> {
    const image = container.image ?? '';
    if (!image || /\s/.test(image)) return { reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": couldn't parse image name` };
    const policy = container.imagePullPolicy ?? defaultImagePullPolicy(image);
    const present = policy === 'Always' ? undefined : await this.runtime.imageStatus({ image });
    if (policy === 'Never') {
      if (present) return { imageRef: present.id, user: imageUser(present) };
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.record(pod, 'Warning', 'ErrImageNeverPull', message);
      return { reason: 'ErrImageNeverPull', message };
    }
    if (present) {
      this.record(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { imageRef: present.id, user: imageUser(present) };
    }
    const key = `${pod.metadata.uid}/${image}`;
    if (this.backoff.remaining(key) > 0) {
      const message = `Back-off pulling image "${image}"`;
      this.record(pod, 'Normal', 'BackOff', message);
      return { reason: 'ImagePullBackOff', message };
    }
    this.record(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.clock.now();
    try {
      const imageRef = await this.runtime.pullImage({ image }, undefined, sandboxConfig);
      const seconds = ((this.clock.now() - started) / 1000).toFixed(3);
      this.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${seconds}s`);
      this.backoff.reset(key);
      const pulled = await this.runtime.imageStatus({ image: imageRef }).catch(() => undefined);
      return { imageRef, user: pulled ? imageUser(pulled) : undefined };
    } catch (e) {
      this.backoff.next(key);
      const message = `Failed to pull image "${image}": ${(e as Error).message}`;
      this.record(pod, 'Warning', 'Failed', message);
      this.record(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      return { reason: 'ErrImagePull', message };
    }
  }
}
