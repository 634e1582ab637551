import { metricValue } from './scheduler-process';
import { schedulerGoals } from './scheduler-result';

const measured = (podsPerSecond: number, unbound = 0) => ({ created: 2000, failed: 0, bound: 2000 - unbound, unbound, seconds: 1, podsPerSecond, createSeconds: 1, createsPerSecond: 1 });

describe('scheduler benchmark goals', () => {
  it('judges the 100-node and the 5,000-node runs against their own targets', () => {
    expect(schedulerGoals({ nodes: 100, pods: 2000, measured: measured(750) })).toMatchObject([{ target: 700, measured: 750, pass: true }]);
    expect(schedulerGoals({ nodes: 5000, pods: 2000, measured: measured(450) })).toMatchObject([{ target: 500, measured: 450, pass: false }]);
    expect(schedulerGoals({ nodes: 1000, pods: 2000, measured: measured(450) })).toEqual([]);
  });

  it('does not judge a run that left pods unbound', () => {
    expect(schedulerGoals({ nodes: 100, pods: 2000, measured: measured(900, 3) })[0]).toMatchObject({ measured: null, pass: null });
  });
});

describe('metricValue', () => {
  it('reads one labelled sample from Prometheus text', () => {
    const text = '# HELP x\nscheduler_cache_size{type="nodes"} 5000\nscheduler_cache_size{type="pods"} 12\n';
    expect(metricValue(text, 'scheduler_cache_size{type="pods"}')).toBe(12);
    expect(metricValue(text, 'absent')).toBeNaN();
  });
});
