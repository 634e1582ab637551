export { strategicMergePatch } from './strategic-merge-patch';
export { StrategicMergePatchError } from './patch-errors';
