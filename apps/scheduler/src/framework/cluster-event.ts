/** What changed in the cluster, in the terms the scheduling queue uses to decide which pods might now fit. */
export type EventResource = 'Node' | 'AssignedPod' | 'Namespace';

export type ActionType =
  | 'Add'
  | 'Delete'
  | 'UpdateNodeAllocatable'
  | 'UpdateNodeLabel'
  | 'UpdateNodeTaint'
  | 'UpdatePodLabel'
  | 'UpdatePodRequest'
  | 'Update';

export interface ClusterEvent {
  resource: EventResource;
  action: ActionType;
}

/** A plugin's interest: a pod it rejected may fit after one of these events. */
export interface EventRegistration {
  resource: EventResource;
  actions: readonly ActionType[] | 'All';
}

export function registrationMatches(r: EventRegistration, e: ClusterEvent): boolean {
  return r.resource === e.resource && (r.actions === 'All' || r.actions.includes(e.action));
}

export function eventLabel(e: ClusterEvent): string {
  return `${e.resource}${e.action}`;
}
