import { UsageError } from '../options';
import { parseControllersBenchArgs } from './controllers-options';

describe('skiff-bench controllers flags', () => {
  it('defaults to 1,000 replicas with every controller', () => {
    expect(parseControllersBenchArgs(['controllers'])).toEqual({ replicas: 1000, controllers: '*', json: false, timeoutSeconds: 300 });
  });

  it('reads the size, the controller list and --json', () => {
    expect(parseControllersBenchArgs(['controllers', '--replicas', '50', '--controllers=deployment,replicaset', '--json'])).toEqual({
      replicas: 50,
      controllers: 'deployment,replicaset',
      json: true,
      timeoutSeconds: 300,
    });
  });

  it('returns undefined for --help', () => {
    expect(parseControllersBenchArgs(['controllers', '--help'])).toBeUndefined();
  });

  it('rejects bad values and unknown flags with a usage error', () => {
    expect(() => parseControllersBenchArgs(['controllers', '--replicas', '0'])).toThrow(/--replicas must be a whole number/);
    expect(() => parseControllersBenchArgs(['controllers', '--controllers', 'a b'])).toThrow(UsageError);
    expect(() => parseControllersBenchArgs(['controllers', '--frobnicate'])).toThrow(UsageError);
    expect(() => parseControllersBenchArgs(['scheduler'])).toThrow(/skiff-bench controllers/);
  });
});
