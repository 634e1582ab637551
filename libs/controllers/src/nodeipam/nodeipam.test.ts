import { nodes, type Node } from '@skiff/api';
import { ApiError } from '@skiff/client';
import { silentLogger } from '@skiff/logging';
import { ControllerTestKit } from '@skiff/testing';
import { defaultControllerOptions, type ControllerContext } from '../controller';
import { CidrAllocator } from './cidr-allocator';
import { NodeIpamController } from './nodeipam-controller';

const node = (name: string, podCIDR?: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });

describe('nodeipam', () => {
  let kit: ControllerTestKit;
  let controller: NodeIpamController;

  async function begin(options = defaultControllerOptions): Promise<void> {
    const ctx: ControllerContext = { client: kit.client, informers: kit.informers, recorder: () => kit.recorder, clock: kit.clock, logger: silentLogger(), options };
    controller = new NodeIpamController(ctx);
    await kit.start();
    controller.run(1);
    await kit.settle();
  }
  const cidrOf = (name: string) => (kit.client.tracker.get(nodes, undefined, name) as Node | undefined)?.spec;

  beforeEach(() => {
    kit = new ControllerTestKit();
  });
  afterEach(async () => {
    await controller.stop();
    kit.stop();
  });

  it('gives new nodes the first free /24, skipping blocks existing nodes hold', async () => {
    kit.seed(nodes, node('b'), node('old', '10.244.0.0/24'), node('c'));
    await begin();
    expect(kit.writes()).toEqual(['patch nodes', 'patch nodes']);
    expect(cidrOf('old')).toEqual({ podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
    expect([cidrOf('b')!.podCIDR, cidrOf('c')!.podCIDR].sort()).toEqual(['10.244.1.0/24', '10.244.2.0/24']);
    expect(kit.writeActions()[0].patch).toEqual({ spec: { podCIDR: expect.any(String), podCIDRs: [expect.any(String)] } });
    expect((await kit.events()).filter((e) => e.reason === 'CIDRAssigned')).toHaveLength(2);
  });

  it('reuses the block of a deleted node', async () => {
    kit.seed(nodes, node('a', '10.244.0.0/24'), node('b', '10.244.1.0/24'));
    await begin();
    await kit.client.delete(nodes, undefined, 'a');
    await kit.settle();
    await kit.client.create(nodes, undefined, node('d'));
    await kit.settle();
    expect(cidrOf('d')!.podCIDRs).toEqual(['10.244.0.0/24']);
  });

  it('reports an exhausted range and assigns once a block is freed', async () => {
    kit.seed(nodes, node('a', '10.0.0.0/25'), node('b', '10.0.0.128/25'), node('c'));
    await begin({ ...defaultControllerOptions, clusterCIDR: '10.0.0.0/24', nodeCIDRMaskSize: 25 });
    expect(kit.writes()).toEqual([]);
    expect(await kit.events()).toEqual([expect.objectContaining({ reason: 'CIDRNotAvailable', object: 'Node/c', message: 'Node c status is now: CIDRNotAvailable' })]);
    await kit.client.delete(nodes, undefined, 'b');
    await kit.clock.advance(1_000);
    await kit.settle();
    expect(cidrOf('c')!.podCIDR).toBe('10.0.0.128/25');
  });

  it('gives the block back when the patch fails and retries', async () => {
    kit.seed(nodes, node('a'));
    kit.client.failOn('patch', 'nodes', new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: 'boom', code: 500 }), 1);
    await begin();
    expect(cidrOf('a')!.podCIDR).toBeUndefined();
    await kit.clock.advance(100);
    await kit.settle();
    expect(kit.writes()).toEqual(['patch nodes', 'patch nodes']);
    expect(cidrOf('a')!.podCIDR).toBe('10.244.0.0/24');
  });
});

describe('CidrAllocator', () => {
  it('carves 10.244.0.0/16 into 256 /24 blocks and ignores foreign CIDRs', () => {
    const a = new CidrAllocator('10.244.0.0/16', 24);
    expect(a.blockCount).toBe(256);
    expect(a.occupy('x', '192.168.0.0/24')).toBe(false);
    expect(a.occupy('y', '10.244.255.0/24')).toBe(true);
    expect(a.allocate('z')).toBe('10.244.0.0/24');
    expect(a.allocate('z')).toBe('10.244.0.0/24');
  });
});
