export { strategicMergePatch } from './strategic-merge-patch';
export { StrategicMergePatchError } from './patch-errors';
export { createThreeWayPatch } from './create-three-way-patch';
