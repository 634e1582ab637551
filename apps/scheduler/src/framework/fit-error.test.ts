import { emptyDiagnosis, fitErrorMessage } from './fit-error';
import { Status } from './status';

describe('fitErrorMessage', () => {
  it('counts each reason across nodes and sorts the parts as strings', () => {
    const d = emptyDiagnosis();
    d.nodeToStatus.set('a', Status.unschedulable('Insufficient cpu'));
    d.nodeToStatus.set('b', Status.unresolvable('node(s) had untolerated taint {dedicated: gpu}'));
    d.nodeToStatus.set('c', Status.unresolvable('node(s) had untolerated taint {dedicated: gpu}'));
    expect(fitErrorMessage(3, d)).toBe('0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.');
  });

  it('lists every reason of a node that has several', () => {
    const d = emptyDiagnosis();
    d.nodeToStatus.set('a', Status.unschedulable('Insufficient cpu', 'Insufficient memory'));
    d.nodeToStatus.set('b', Status.unschedulable('Insufficient memory'));
    expect(fitErrorMessage(2, d)).toBe('0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.');
  });

  it('uses the PreFilter message alone when PreFilter rejected the pod, and appends the PostFilter message', () => {
    const d = emptyDiagnosis();
    d.preFilterMessage = "node(s) didn't match Pod's node affinity/selector";
    d.postFilterMessage = 'preemption: not eligible due to preemptionPolicy=Never.';
    expect(fitErrorMessage(5, d)).toBe("0/5 nodes are available: node(s) didn't match Pod's node affinity/selector. preemption: not eligible due to preemptionPolicy=Never.");
  });

  it('counts nodes absent from the map with the absent-nodes status', () => {
    const d = emptyDiagnosis();
    d.nodeToStatus.set('a', Status.unschedulable('Insufficient cpu'));
    d.absentNodesStatus = Status.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
    expect(fitErrorMessage(4, d)).toBe("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });
});
