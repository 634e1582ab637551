import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { formatFieldError, pods, type Pod } from '@skiff/api';
import { sleep, type Clock } from '@skiff/client';
import type { Logger } from '@skiff/logging';

export const configSourceAnnotation = 'kubernetes.io/config.source';
export const configHashAnnotation = 'kubernetes.io/config.hash';

export function isStaticPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[configSourceAnnotation] === 'file';
}

export interface StaticPodSink {
  update(pod: Pod): void;
  remove(pod: Pod): void;
}

/**
 * Static pods: manifests in a directory that this kubelet runs on its own, apiserver or not. Each pod is named
 * `<name>-<node>`, gets a uid hashed from its manifest and the node (an edited manifest is a new pod), and is
 * defaulted and validated like an API pod. The directory is read again every `periodMs`.
 */
export class StaticPodSource {
  private current = new Map<string, Pod>();

  constructor(
    private readonly dir: string,
    private readonly nodeName: string,
    private readonly sink: StaticPodSink,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly periodMs = 20_000,
  ) {}

  pods(): Pod[] {
    return [...this.current.values()];
  }

  /** Reads the directory once and tells the sink what appeared, changed or went away. */
  scan(): void {
    const next = new Map<string, Pod>();
    let files: string[] = [];
    try {
      files = fs.readdirSync(this.dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn(`reading static pod dir ${this.dir} failed: ${(e as Error).message}`);
    }
    for (const f of files.sort()) {
      const file = path.join(this.dir, f);
      const pod = this.readManifest(file);
      if (pod) next.set(pod.metadata.uid!, pod);
    }
    for (const [uid, pod] of this.current) if (!next.has(uid)) this.sink.remove(pod);
    for (const [uid, pod] of next) if (!this.current.has(uid)) this.sink.update(pod);
    this.current = next;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.scan();
      await sleep(this.clock, this.periodMs, signal);
    }
  }

  private readManifest(file: string): Pod | undefined {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      this.logger.warn(`reading static pod ${file} failed: ${(e as Error).message}`);
      return undefined;
    }
    const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
    if (docs.length !== 1) {
      this.logger.warn(`static pod ${file}: expected one pod, found ${docs.length} documents`);
      return undefined;
    }
    const doc = docs[0];
    if (doc.errors.length) {
      const err = doc.errors[0];
      this.logger.warn(`static pod ${file}:${(err.linePos?.[0].line ?? 0) || ''}: ${err.message.split('\n')[0]}`);
      return undefined;
    }
    const pod = doc.toJS() as Pod;
    if (pod?.kind !== 'Pod' || pod.apiVersion !== 'v1') {
      this.logger.warn(`static pod ${file}: kind must be Pod and apiVersion v1`);
      return undefined;
    }
    const uid = createHash('md5').update(this.nodeName).update(text).digest('hex');
    pod.metadata = {
      ...pod.metadata,
      name: `${pod.metadata?.name}-${this.nodeName}`,
      namespace: pod.metadata?.namespace || 'default',
      uid,
      annotations: { ...pod.metadata?.annotations, [configSourceAnnotation]: 'file', [configHashAnnotation]: uid },
    };
    pod.spec = { ...pod.spec!, nodeName: this.nodeName };
    pod.spec.tolerations = [...(pod.spec.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }];
    pods.applyDefaults?.(pod);
    const errors = pods.validate?.(pod) ?? [];
    if (errors.length) {
      this.logger.warn(`static pod ${file} is invalid: ${errors.map(formatFieldError).join('; ')}`);
      return undefined;
    }
    return pod;
  }
}
