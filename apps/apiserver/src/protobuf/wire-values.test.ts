import * as protobuf from 'protobufjs';
import { formatGoDuration, int64ToBigInt, int64ToNumber, intOrStringToJSON, ProtobufContentError, timestampToJSON } from './wire-values';

describe('formatGoDuration', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1_500n, '1.5µs'],
    [300_000_000n, '300ms'],
    [1_500_000_000n, '1.5s'],
    [90_000_000_000n, '1m30s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_000_000_001n, '1h2m3.000000001s'],
    [-2_000_000_000n, '-2s'],
  ])('%s ns prints as %s, as Go prints it', (nanos, text) => {
    expect(formatGoDuration(nanos)).toBe(text);
  });
});

describe('int64 values', () => {
  it('turns Longs into numbers and bigints, negative ones included', () => {
    const long = protobuf.util.LongBits.fromNumber(-9007199254740991).toLong();
    expect(int64ToNumber(long)).toBe(-9007199254740991);
    expect(int64ToBigInt(protobuf.util.LongBits.fromNumber(-1).toLong())).toBe(-1n);
    expect(int64ToNumber(42)).toBe(42);
  });
});

describe('timestampToJSON', () => {
  it('leaves an empty timestamp out and rejects years Go cannot print', () => {
    expect(timestampToJSON({}, 'seconds', 't')).toBeUndefined();
    expect(() => timestampToJSON({ seconds: 253402300800 }, 'seconds', 'metadata.deletionTimestamp')).toThrow(ProtobufContentError);
  });

  it('prints the epoch itself, which is not the zero time', () => {
    expect(timestampToJSON({ seconds: 0 }, 'seconds', 't')).toBe('1970-01-01T00:00:00Z');
    expect(timestampToJSON({ seconds: 0, nanos: 5000 }, 'micros', 't')).toBe('1970-01-01T00:00:00.000005Z');
  });
});

describe('intOrStringToJSON', () => {
  it('reads type 1 as a string and anything else as a number', () => {
    expect(intOrStringToJSON({ type: 1, strVal: '25%' })).toBe('25%');
    expect(intOrStringToJSON({ type: 0, intVal: 3 })).toBe(3);
    expect(intOrStringToJSON({})).toBe(0);
  });
});
