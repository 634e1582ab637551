import type { KObject } from '@skiff/api';
import { conditionMet, parseWaitFor, waitingMessage } from './wait';
import { deploymentRolloutStatus } from './rollout';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } as KObject;

describe('wait conditions', () => {
  it('parses --for forms', () => {
    expect(parseWaitFor('condition=Ready')).toEqual({ kind: 'condition', type: 'Ready', status: 'True' });
    expect(parseWaitFor('condition=Ready=false')).toEqual({ kind: 'condition', type: 'Ready', status: 'false' });
    expect(parseWaitFor('delete')).toEqual({ kind: 'delete' });
    expect(parseWaitFor("jsonpath={.status.phase}=Running")).toEqual({ kind: 'jsonpath', path: '.status.phase', value: 'Running' });
    expect(() => parseWaitFor('ready')).toThrow(/unrecognized --for/);
  });

  it('checks conditions case-insensitively and jsonpath values', () => {
    expect(conditionMet(pod, parseWaitFor('condition=ready'))).toBe(true);
    expect(conditionMet(pod, parseWaitFor('condition=Ready=False'))).toBe(false);
    expect(conditionMet(pod, parseWaitFor('jsonpath={.status.phase}=Running'))).toBe(true);
    expect(conditionMet(pod, parseWaitFor('jsonpath={.status.phase}=Pending'))).toBe(false);
  });
});

describe('deploymentRolloutStatus', () => {
  const d = (status: Record<string, number>, generation = 1) => ({ metadata: { name: 'web', generation }, spec: { replicas: 3 }, status: { observedGeneration: 1, ...status } }) as never;

  it('waits for the spec to be observed, then updates, then old replicas, then availability', () => {
    expect(deploymentRolloutStatus(d({}, 2)).message).toBe('Waiting for deployment spec update to be observed...');
    expect(deploymentRolloutStatus(d({ updatedReplicas: 1, replicas: 3 })).message).toMatch(/1 out of 3 new replicas have been updated/);
    expect(deploymentRolloutStatus(d({ updatedReplicas: 3, replicas: 4 })).message).toMatch(/1 old replicas are pending termination/);
    expect(deploymentRolloutStatus(d({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toMatch(/2 of 3 updated replicas are available/);
    expect(deploymentRolloutStatus(d({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({ done: true, message: 'deployment "web" successfully rolled out' });
  });
});

describe('waitingMessage', () => {
  it('says what wait is polling for', () => {
    expect(waitingMessage('pod/p', parseWaitFor('delete'))).toBe('Waiting for pod/p to be deleted...');
    expect(waitingMessage('pod/p', parseWaitFor('condition=Ready'))).toBe('Waiting for pod/p: condition Ready=True...');
    expect(waitingMessage('pod/p', parseWaitFor('jsonpath={.status.phase}=Running'))).toBe('Waiting for pod/p: .status.phase=Running...');
    expect(waitingMessage('pod/p', parseWaitFor('jsonpath={.status.podIP}'))).toBe('Waiting for pod/p: .status.podIP to be set...');
  });
});
