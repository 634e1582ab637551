import { ClusterPaths } from './cluster-paths';

/** `--data-dir DIR` for the commands printed as hints, unless DIR is the default. */
export function dataDirFlag(paths: ClusterPaths): string {
  return paths.dir === new ClusterPaths(ClusterPaths.defaultDir()).dir ? '' : ` --data-dir ${paths.dir}`;
}
