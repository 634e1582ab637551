import { PodCountWatch } from './pod-count-watch';

const event = (type: string, name: string) => JSON.stringify({ type, object: { metadata: { name } } }) + '\n';

describe('PodCountWatch', () => {
  it('counts each pod once when first added and once when deleted, across chunk boundaries', async () => {
    const w = new PodCountWatch();
    const reached = w.until(() => w.added === 2, 1000);
    const bytes = event('ADDED', 'a') + event('MODIFIED', 'a') + event('ADDED', 'b');
    w.receive(Buffer.from(bytes.slice(0, 30)), 5);
    expect(w.added).toBe(0);
    w.receive(Buffer.from(bytes.slice(30)), 7);
    await reached;
    expect(w.added).toBe(2);
    expect(w.addedTimes()).toEqual([7, 7]);
    w.receive(Buffer.from(event('DELETED', 'a') + event('DELETED', 'a')), 9);
    expect(w.deleted).toBe(1);
    expect(w.deletedTimes()).toEqual([9]);
  });
});
