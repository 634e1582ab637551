import type { Pod } from '@skiff/api';
import { CliError } from './errors';

/** The annotation that names the container kubectl's logs, exec and attach use when none is given. */
export const defaultContainerAnnotation = 'kubectl.kubernetes.io/default-container';

type PodContainer = NonNullable<Pod['spec']>['containers'][number];

/** Every container of the pod, as kubectl lists them in its notes: `a, b, debug (ephem), setup (init)`. */
export function allContainerNames(pod: Pod): string {
  const spec = pod.spec;
  return [
    ...(spec?.containers ?? []).map((c) => c.name),
    ...(spec?.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

/** A container of any kind (regular, init or ephemeral) by name. */
export function findContainer(pod: Pod, name: string): PodContainer | undefined {
  const spec = pod.spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].find((c) => c.name === name) as
    | PodContainer
    | undefined;
}

export interface DefaultContainerOptions {
  /** Where notes go; undefined keeps quiet (`-q`). */
  warn?: (line: string) => void;
  /** logs says so when the annotation names a container the pod lacks; exec and attach fall back silently. */
  reportMissingAnnotated?: boolean;
}

/**
 * The container a command uses when no `-c` is given, as kubectl picks it: the one the default-container
 * annotation names, else the first container, with a note on stderr when the pod has others to choose from.
 */
export function defaultContainerOf(pod: Pod, opts: DefaultContainerOptions = {}): string {
  const name = pod.metadata.name;
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) throw new CliError(`pod ${pod.metadata.namespace}/${name} does not have any containers`);
  const annotated = pod.metadata.annotations?.[defaultContainerAnnotation];
  if (annotated) {
    if (findContainer(pod, annotated)) return annotated;
    if (opts.reportMissingAnnotated) opts.warn?.(`Default container name "${annotated}" not found in pod ${name}`);
  }
  const first = containers[0].name;
  const others = containers.length > 1 || (pod.spec?.initContainers?.length ?? 0) > 0 || (pod.spec?.ephemeralContainers?.length ?? 0) > 0;
  if (others) opts.warn?.(`Defaulted container "${first}" out of: ${allContainerNames(pod)}`);
  return first;
}

/** `pod/web`, `pods/web`, `po/web` or `web`; other kinds are refused. */
export function podNameOf(target: string, verb: string): string {
  const slash = target.indexOf('/');
  if (slash < 0) return target;
  const kind = target.slice(0, slash).toLowerCase();
  const name = target.slice(slash + 1);
  if (!['pod', 'pods', 'po'].includes(kind) || !name) throw new CliError(`${verb} works on pods: give a pod name or pod/NAME, not "${target}"`);
  return name;
}
