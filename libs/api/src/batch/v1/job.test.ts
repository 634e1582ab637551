import { schemaErrors } from '../../schema/schema-errors';
import { formatFieldError } from '../../validation/field-errors';
import { jobs, type Job } from './job';
import { controllerUidLabel } from './job-defaults';

const uid = '6f1c9d2e-0000-4000-8000-000000000001';

function job(over: Partial<Job['spec']> = {}, meta: Partial<Job['metadata']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid, ...meta },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'] }] } },
      ...over,
    },
  };
}

function defaulted(over: Partial<Job['spec']> = {}, meta: Partial<Job['metadata']> = {}): Job {
  const j = job(over, meta);
  jobs.applyDefaults!(j);
  return j;
}

describe('Job registration', () => {
  it('is batch/v1 jobs in category all with status, selectable by status.successful', () => {
    expect(jobs).toMatchObject({ group: 'batch', resource: 'jobs', etcdPrefix: 'jobs', categories: ['all'], hasStatusSubresource: true, tracksGeneration: true });
    const j = defaulted();
    expect(jobs.selectableFields!(j)).toEqual({ 'status.successful': '0' });
    j.status = { succeeded: 2 };
    expect(jobs.selectableFields!(j)).toEqual({ 'status.successful': '2' });
  });
});

describe('Job defaulting', () => {
  it('fills counts, backoff, mode, suspend and replacement policy, and pod defaults', () => {
    const { spec } = defaulted();
    expect(spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    expect(spec.manualSelector).toBeUndefined();
    expect(spec.template.spec).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
  });

  it('leaves completions unset when only parallelism is given', () => {
    const { spec } = defaulted({ parallelism: 3 });
    expect(spec.parallelism).toBe(3);
    expect(spec.completions).toBeUndefined();
    expect(defaulted({ completions: 5 }).spec.parallelism).toBe(1);
  });

  it('adapts backoff and replacement to per-index limits and failure policies', () => {
    expect(defaulted({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 }).spec.backoffLimit).toBe(2147483647);
    const { spec } = defaulted({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } });
    expect(spec.podReplacementPolicy).toBe('Failed');
    expect(spec.podFailurePolicy!.rules[0].onPodConditions![0].status).toBe('True');
  });

  it('generates a selector on the uid and labels the template to match', () => {
    const j = defaulted();
    expect(j.spec.selector).toEqual({ matchLabels: { [controllerUidLabel]: uid } });
    expect(j.spec.template.metadata?.labels).toEqual({
      'controller-uid': uid,
      [controllerUidLabel]: uid,
      'job-name': 'pi',
      'batch.kubernetes.io/job-name': 'pi',
    });
    expect(jobs.validate!(j)).toEqual([]);
  });

  it('copies template labels to the Job when it has none, before adding generated ones', () => {
    const j = job({ template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } });
    jobs.applyDefaults!(j);
    expect(j.metadata.labels).toEqual({ app: 'pi' });
  });

  it('leaves a manual selector alone', () => {
    const j = defaulted({
      manualSelector: true,
      selector: { matchLabels: { app: 'pi' } },
      template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } },
    });
    expect(j.spec.selector).toEqual({ matchLabels: { app: 'pi' } });
    expect(j.spec.template.metadata?.labels).toEqual({ app: 'pi' });
    expect(jobs.validate!(j)).toEqual([]);
  });
});

describe('Job validation', () => {
  it('requires restartPolicy OnFailure or Never', () => {
    const j = job();
    j.spec.template.spec.restartPolicy = undefined;
    jobs.applyDefaults!(j);
    expect(jobs.validate!(j).map(formatFieldError)).toEqual(['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
  });

  it('requires a selector when the user manages it, and checks it against the template', () => {
    expect(jobs.validate!(defaulted({ manualSelector: true }))).toEqual([expect.objectContaining({ type: 'FieldValueRequired', field: 'spec.selector' })]);
    const mismatched = defaulted({ manualSelector: true, selector: { matchLabels: { app: 'other' } } });
    expect(jobs.validate!(mismatched)).toEqual([expect.objectContaining({ field: 'spec.template.metadata.labels', detail: '`selector` does not match template `labels`' })]);
  });

  it('rejects a generated selector that does not carry the uid', () => {
    const j = defaulted({ selector: { matchLabels: { [controllerUidLabel]: 'someone-else' } } });
    expect(jobs.validate!(j).map((e) => e.field)).toEqual(
      expect.arrayContaining([`spec.selector.matchLabels[${controllerUidLabel}]`, 'spec.template.metadata.labels']),
    );
  });

  it('checks counts and indexed-mode rules', () => {
    const errs = jobs.validate!(defaulted({ parallelism: -1, backoffLimit: -1, backoffLimitPerIndex: 1 }));
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['spec.parallelism', 'FieldValueInvalid'],
      ['spec.backoffLimit', 'FieldValueInvalid'],
      ['spec.backoffLimitPerIndex', 'FieldValueForbidden'],
    ]);
    const indexed = jobs.validate!(defaulted({ completionMode: 'Indexed', parallelism: 2 }));
    expect(indexed).toEqual([expect.objectContaining({ type: 'FieldValueRequired', field: 'spec.completions', detail: 'when completion mode is Indexed' })]);
  });

  it('validates pod failure policy rules', () => {
    const j = defaulted({
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { containerName: 'nope', operator: 'In', values: [0, 3, 2, 2] } },
          { action: 'FailIndex', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' }] },
          { action: 'Ignore' },
        ],
      },
    });
    expect(jobs.validate!(j).map((e) => [e.field, e.type])).toEqual([
      ['spec.podFailurePolicy.rules[0].onExitCodes.containerName', 'FieldValueInvalid'],
      ['spec.podFailurePolicy.rules[0].onExitCodes.values[0]', 'FieldValueInvalid'],
      ['spec.podFailurePolicy.rules[0].onExitCodes.values[2]', 'FieldValueInvalid'],
      ['spec.podFailurePolicy.rules[0].onExitCodes.values[3]', 'FieldValueDuplicate'],
      ['spec.podFailurePolicy.rules[1].action', 'FieldValueInvalid'],
      ['spec.podFailurePolicy.rules[1].onPodConditions[0].status', 'FieldValueNotSupported'],
      ['spec.podFailurePolicy.rules[2]', 'FieldValueInvalid'],
    ]);
    expect(schemaErrors(jobs.schema, defaulted({ podFailurePolicy: { rules: [{ action: 'Retry' as never, onPodConditions: [] }] } })).map((e) => e.field)).toEqual([
      'spec.podFailurePolicy.rules[0].action',
    ]);
  });

  it('validates success policies against indexed completions', () => {
    const ok = defaulted({ completionMode: 'Indexed', completions: 10, parallelism: 10, successPolicy: { rules: [{ succeededIndexes: '0-2,5', succeededCount: 2 }] } });
    expect(jobs.validate!(ok)).toEqual([]);
    const bad = defaulted({ completionMode: 'Indexed', completions: 4, parallelism: 4, successPolicy: { rules: [{ succeededIndexes: '3,1-2' }, { succeededCount: 9 }, {}] } });
    expect(jobs.validate!(bad).map((e) => e.field)).toEqual([
      'spec.successPolicy.rules[0].succeededIndexes',
      'spec.successPolicy.rules[1].succeededCount',
      'spec.successPolicy.rules[2]',
    ]);
    expect(jobs.validate!(defaulted({ successPolicy: { rules: [{ succeededCount: 1 }] } }))[0]).toMatchObject({ field: 'spec.successPolicy', detail: 'requires indexed completion mode' });
  });
});

describe('Job updates', () => {
  it('keeps the selector and template immutable but lets parallelism change', () => {
    const old = defaulted();
    expect(jobs.validateUpdate!(defaulted({ completions: 1, parallelism: 4 }), old)).toEqual([]);
    const reselected = defaulted();
    reselected.spec.selector = { matchLabels: { app: 'x' } };
    expect(jobs.validateUpdate!(reselected, old).map(formatFieldError)).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: field is immutable']);
    const retemplated = defaulted();
    retemplated.spec.template.spec.containers[0].image = 'perl:5.40';
    expect(jobs.validateUpdate!(retemplated, old)).toEqual([expect.objectContaining({ field: 'spec.template', detail: 'field is immutable' })]);
  });

  it('lets a suspended Job that never started change where its pods run', () => {
    const old = defaulted({ suspend: true });
    const moved = defaulted({ suspend: false });
    moved.spec.template.spec.nodeSelector = { zone: 'b' };
    expect(jobs.validateUpdate!(moved, old)).toEqual([]);
    moved.spec.template.spec.containers[0].image = 'other';
    expect(jobs.validateUpdate!(moved, old).map((e) => e.field)).toEqual(['spec.template']);
  });

  it('lets an indexed Job scale completions together with parallelism only', () => {
    const old = defaulted({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    expect(jobs.validateUpdate!(defaulted({ completionMode: 'Indexed', completions: 5, parallelism: 5 }), old)).toEqual([]);
    expect(jobs.validateUpdate!(defaulted({ completionMode: 'Indexed', completions: 5, parallelism: 3 }), old).map((e) => e.field)).toEqual(['spec.completions']);
  });
});
