import { createHash } from 'node:crypto';
import { formatImageReference, parseImageReference, repositoryOf } from './image-reference';
import { CriError, type Image } from './types';

/** An image an InMemoryRuntime holds from the start. */
export interface InMemoryImage {
  /** Any reference form: 'busybox', 'registry.k8s.io/pause:3.9', 'repo@sha256:…'. */
  ref: string;
  size?: number;
  /** The image id ('sha256:…'); derived from the reference when left out. */
  id?: string;
}

interface StoredImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

const defaultImageSize = 2 * 1024 * 1024;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const imageIdPattern = /^(?:sha256:)?([a-f0-9]{64})$/;

/** Normalized reference of `text`, or the error containerd gives for a name it cannot parse. */
export function requireImageReference(text: string) {
  const ref = parseImageReference(text);
  if (!ref) throw new CriError('UNKNOWN', `failed to parse image reference ${JSON.stringify(text)}: invalid reference format`);
  return ref;
}

/**
 * The image side of InMemoryRuntime: named images with ids, tags and digests, looked up by any reference form
 * or by id as containerd's CRI plugin does.
 */
export class InMemoryImageStore {
  private readonly images: StoredImage[] = [];

  /** Records `text` as present (a pull or a preset) and returns the image. */
  add(text: string, options: { size?: number; id?: string } = {}): StoredImage {
    const ref = requireImageReference(text);
    const existing = this.find(text);
    if (existing) return existing;
    const name = formatImageReference(ref);
    const id = options.id ?? `sha256:${sha256(`image ${name}`)}`;
    let image = this.images.find((i) => i.id === id);
    if (!image) {
      image = { id, repoTags: [], repoDigests: [], size: options.size ?? defaultImageSize };
      this.images.push(image);
    }
    if (ref.digest) {
      image.repoDigests.push(`${repositoryOf(ref)}@${ref.digest}`);
    } else {
      // A tag names one image at a time: pulling it again for a new id moves it.
      for (const other of this.images) other.repoTags = other.repoTags.filter((t) => t !== name);
      image.repoTags.push(name);
      const digest = `${repositoryOf(ref)}@sha256:${sha256(`manifest ${name}`)}`;
      if (!image.repoDigests.includes(digest)) image.repoDigests.push(digest);
    }
    this.dropUnnamed();
    return image;
  }

  /** The image `text` names: an id (with or without 'sha256:'), a tag or a digest reference. */
  find(text: string): StoredImage | undefined {
    const idMatch = imageIdPattern.exec(text);
    if (idMatch) return this.images.find((i) => i.id === `sha256:${idMatch[1]}`);
    const ref = parseImageReference(text);
    if (!ref) return undefined;
    if (ref.digest) {
      const byDigest = `${repositoryOf(ref)}@${ref.digest}`;
      return this.images.find((i) => i.repoDigests.includes(byDigest));
    }
    const name = formatImageReference(ref);
    return this.images.find((i) => i.repoTags.includes(name));
  }

  /** Removes the image `text` names with all its names; absent images are not an error. */
  remove(text: string): void {
    const image = this.find(text);
    if (image) this.images.splice(this.images.indexOf(image), 1);
  }

  list(): StoredImage[] {
    return [...this.images];
  }

  totalSize(): number {
    return this.images.reduce((sum, i) => sum + i.size, 0);
  }

  static toImage(image: StoredImage): Image {
    return {
      id: image.id,
      repoTags: [...image.repoTags],
      repoDigests: [...image.repoDigests],
      size: image.size,
      username: '',
      pinned: false,
    };
  }

  private dropUnnamed(): void {
    for (let i = this.images.length - 1; i >= 0; i--) {
      const image = this.images[i];
      if (image.repoTags.length === 0 && image.repoDigests.length === 0) this.images.splice(i, 1);
    }
  }
}
