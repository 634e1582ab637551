import * as api from '../index';
import { quantityFormatMessage, quantitySuffixMessage, QuantityParseError } from './quantity-errors';
import { compareQuantities, isValidQuantity, parseQuantity, Quantity } from './quantity';

const nanos = (text: string | number) => Quantity.parse(text).nanoValue();
const printed = (text: string | number) => Quantity.parse(text).toString();

describe('Quantity.parse: values', () => {
  it.each([
    ['5n', 5n],
    ['5u', 5_000n],
    ['5m', 5_000_000n],
    ['5', 5_000_000_000n],
    ['5k', 5n * 10n ** 12n],
    ['5M', 5n * 10n ** 15n],
    ['5G', 5n * 10n ** 18n],
    ['5T', 5n * 10n ** 21n],
    ['5P', 5n * 10n ** 24n],
    ['5E', 5n * 10n ** 27n],
    ['5Ki', 5n * 2n ** 10n * 10n ** 9n],
    ['5Mi', 5n * 2n ** 20n * 10n ** 9n],
    ['5Gi', 5n * 2n ** 30n * 10n ** 9n],
    ['5Ti', 5n * 2n ** 40n * 10n ** 9n],
    ['5Pi', 5n * 2n ** 50n * 10n ** 9n],
    ['5Ei', 5n * 2n ** 60n * 10n ** 9n],
    ['5e3', 5n * 10n ** 12n],
    ['5E-3', 5_000_000n],
    ['1.3E+6', 13n * 10n ** 14n],
    ['100.035k', 100_035n * 10n ** 9n],
    ['0.5e-2', 5_000_000n],
    ['.001', 1_000_000n],
    ['1.', 10n ** 9n],
    ['1.G', 10n ** 18n],
    ['.', 0n],
    ['-1.5', -1_500_000_000n],
    ['+1.5', 1_500_000_000n],
  ])('%s is exactly %s nanos', (text, expected) => {
    expect(nanos(text)).toBe(expected);
  });

  it('rounds anything finer than 1n up, away from zero', () => {
    expect(nanos('3.001n')).toBe(4n);
    expect(nanos('0.0000000001')).toBe(1n);
    expect(nanos('0.00000012345')).toBe(124n);
    expect(nanos('-0.9n')).toBe(-1n);
    expect(nanos('1e-1000')).toBe(1n);
    expect(nanos('0.000000000001Ki')).toBe(2n);
  });

  it('caps binary quantities at the int64 maximum, as Kubernetes does', () => {
    const maxInt64 = 2n ** 63n - 1n;
    expect(nanos('9Ei')).toBe(maxInt64 * 10n ** 9n);
    expect(printed('9Ei')).toBe('9223372036854775807');
    expect(nanos('9E')).toBe(9n * 10n ** 27n);
  });

  it('keeps the format of the suffix, except binary fractions of one', () => {
    expect(Quantity.parse('1Gi').format).toBe('BinarySI');
    expect(Quantity.parse('0Ki').format).toBe('BinarySI');
    expect(Quantity.parse('1G').format).toBe('DecimalSI');
    expect(Quantity.parse('1').format).toBe('DecimalSI');
    expect(Quantity.parse('1e9').format).toBe('DecimalExponent');
    expect(Quantity.parse('0.5Ki').format).toBe('BinarySI');
    expect(Quantity.parse('0.000000000001Ki').format).toBe('DecimalSI');
  });

  it('accepts JSON numbers', () => {
    expect(printed(2)).toBe('2');
    expect(printed(1.5)).toBe('1500m');
    expect(printed(0)).toBe('0');
    expect(nanos(1e21)).toBe(10n ** 30n);
  });
});

describe('Quantity.parse: bad input', () => {
  it.each(['', '1.1.M', '1+1.0M', '1e1.0M', 'aoeu', ' 1', '1 ', '-', '+', 'Ki', 'm', '1KiB', '1.5 Gi', '1,5', '0.1am'])(
    '%j does not match the grammar',
    (text) => {
      expect(() => Quantity.parse(text)).toThrow(new QuantityParseError(text, quantityFormatMessage));
    },
  );

  it.each(['0.1mi', '.5i', '1i', '-3.01i', '-3.01e-', '1e', '1-', '1Kii', '1mm'])('%j has an unknown suffix', (text) => {
    expect(() => Quantity.parse(text)).toThrow(quantitySuffixMessage);
  });

  it('names the grammar and keeps the input on the error', () => {
    try {
      Quantity.parse('12 cores');
      throw new Error('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(QuantityParseError);
      expect((err as QuantityParseError).input).toBe('12 cores');
      expect((err as Error).message).toBe(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      );
    }
  });

  it('rejects numbers that are not finite and absurd exponents', () => {
    expect(() => Quantity.parse(NaN)).toThrow(QuantityParseError);
    expect(() => Quantity.parse(Infinity)).toThrow(QuantityParseError);
    expect(() => Quantity.parse('1e999999999')).toThrow(/too large/);
  });

  it('isValidQuantity tells without throwing', () => {
    expect(isValidQuantity('100m')).toBe(true);
    expect(isValidQuantity(3)).toBe(true);
    expect(isValidQuantity('1.5Gi')).toBe(true);
    expect(isValidQuantity('1.5GB')).toBe(false);
    expect(isValidQuantity('')).toBe(false);
    expect(isValidQuantity(undefined)).toBe(false);
    expect(isValidQuantity({})).toBe(false);
  });
});

describe('Quantity.toString', () => {
  it.each(['5n', '5u', '5m', '5', '5k', '5M', '5G', '5T', '5P', '5E', '5Ki', '5Mi', '5Gi', '5Ti', '5Pi', '5Ei', '5e3', '5e-3', '80e-3'])(
    '%s round-trips unchanged',
    (text) => {
      expect(printed(text)).toBe(text);
      expect(printed(printed(text))).toBe(text);
      expect(printed(`-${text}`)).toBe(`-${text}`);
    },
  );

  it.each([
    ['100m', '100m'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['1.08', '1080m'],
    ['1.0', '1'],
    ['10.0', '10'],
    ['1000', '1k'],
    ['1000M', '1G'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1080000000n', '1080m'],
    ['1234567M', '1234567M'],
    ['1024Mi', '1Gi'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0.5Mi', '512Ki'],
    ['1025', '1025'],
    ['1536Ki', '1536Ki'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['1e3', '1e3'],
    ['1.2e3', '1200'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['1000E', '1e21'],
    ['5000E', '5e21'],
    ['0', '0'],
    ['00', '0'],
    ['-0', '0'],
    ['0Gi', '0'],
    ['0.0e5', '0'],
    ['-1024Mi', '-1Gi'],
    ['-0.5Gi', '-512Mi'],
  ])('%s prints as %s', (text, expected) => {
    expect(printed(text)).toBe(expected);
  });

  it('echoes text Kubernetes would echo: canonical apart from its spelling', () => {
    expect(printed('1E3')).toBe('1E3');
    expect(printed('+1')).toBe('+1');
    expect(printed('+1Gi')).toBe('+1Gi');
    expect(printed('1e+3')).toBe('1e+3');
  });

  it('prints binary values below 1024 or with a fraction in decimal', () => {
    expect(Quantity.fromValue(5, 'BinarySI').toString()).toBe('5');
    expect(Quantity.fromMilliValue(1024, 'BinarySI').toString()).toBe('1024m');
    expect(Quantity.fromValue(1024, 'BinarySI').toString()).toBe('1Ki');
    expect(Quantity.fromValue(1024 * 1024, 'BinarySI').toString()).toBe('1Mi');
    expect(Quantity.parse('1Gi').add('1G').toString()).toBe('2073741824');
    expect(Quantity.parse('1Gi').add('1m').toString()).toBe('1073741824001m');
  });

  it('builds quantities from integers', () => {
    expect(Quantity.fromValue(1000).toString()).toBe('1k');
    expect(Quantity.fromValue(1234000).toString()).toBe('1234k');
    expect(Quantity.fromValue(1000000, 'DecimalExponent').toString()).toBe('1e6');
    expect(Quantity.fromMilliValue(1).toString()).toBe('1m');
    expect(Quantity.fromMilliValue(1000).toString()).toBe('1');
    expect(Quantity.fromNanoValue(1500n).toString()).toBe('1500n');
    expect(() => Quantity.fromValue(1.5)).toThrow(RangeError);
  });

  it('serialises to its printed form in JSON', () => {
    expect(JSON.stringify({ memory: Quantity.parse('1024Mi') })).toBe('{"memory":"1Gi"}');
  });
});

describe('comparison', () => {
  it.each([
    ['1Gi', '1G', 1],
    ['1G', '1Gi', -1],
    ['500m', '1', -1],
    ['1', '500m', 1],
    ['1k', '1000', 0],
    ['1e3', '1k', 0],
    ['1Ki', '1024', 0],
    ['1.5', '1500m', 0],
    ['10000T', '100Gi', 1],
    ['-1', '0', -1],
    ['1n', '0', 1],
    ['9223372036854775808', '9223372036854775807', 1],
  ] as const)('%s vs %s is %d', (a, b, expected) => {
    expect(compareQuantities(a, b)).toBe(expected);
    expect(Quantity.parse(a).cmp(b)).toBe(expected);
    expect(Quantity.parse(b).cmp(Quantity.parse(a))).toBe(expected === 0 ? 0 : -expected);
  });

  it('compares numbers with strings', () => {
    expect(compareQuantities(0.5, '500m')).toBe(0);
    expect(compareQuantities(2, '1999m')).toBe(1);
    expect(parseQuantity('250m').equals(0.25)).toBe(true);
  });

  it('reports sign and zero', () => {
    expect(parseQuantity('0Mi').isZero()).toBe(true);
    expect(parseQuantity('1n').isZero()).toBe(false);
    expect(parseQuantity('-3m').sign()).toBe(-1);
    expect(parseQuantity('0').sign()).toBe(0);
    expect(parseQuantity('3m').sign()).toBe(1);
  });
});

describe('arithmetic', () => {
  it('adds and subtracts exactly', () => {
    expect(parseQuantity('100m').add('200m').toString()).toBe('300m');
    expect(parseQuantity('0.1').add('0.2').equals('300m')).toBe(true);
    expect(parseQuantity('1Gi').add('512Mi').toString()).toBe('1536Mi');
    expect(parseQuantity('1').sub('1500m').toString()).toBe('-500m');
    expect(parseQuantity('1Gi').sub('1Gi').toString()).toBe('0');
    expect(parseQuantity('1n').add('1E').nanoValue()).toBe(10n ** 27n + 1n);
  });

  it('keeps the receiver format, or takes the other one when the receiver is zero', () => {
    expect(parseQuantity('10').add('1Ki').format).toBe('DecimalSI');
    expect(parseQuantity('2Ki').add('1').format).toBe('BinarySI');
    expect(parseQuantity('0').add('1Gi').toString()).toBe('1Gi');
    expect(parseQuantity('0').add('100m').toString()).toBe('100m');
    expect(parseQuantity('0').sub('1Gi').toString()).toBe('-1Gi');
    expect(parseQuantity('100m').add('0').toString()).toBe('100m');
  });

  it('never changes the operands', () => {
    const a = parseQuantity('1');
    a.add('1');
    a.sub('5');
    a.neg();
    expect(a.toString()).toBe('1');
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('negates', () => {
    expect(parseQuantity('9.01').neg().toString()).toBe('-9010m');
    expect(parseQuantity('-1Gi').neg().toString()).toBe('1Gi');
  });
});

describe('integer accessors', () => {
  it.each([
    ['1n', 1, 1],
    ['1m', 1, 1],
    ['100m', 100, 1],
    ['1', 1000, 1],
    ['1.5', 1500, 2],
    ['1.0001', 1001, 2],
    ['-1.0001', -1001, -2],
    ['-1.5', -1500, -2],
    ['2', 2000, 2],
    ['0', 0, 0],
    ['1Gi', 1073741824000, 1073741824],
    ['1k', 1000000, 1000],
  ] as const)('%s: milliValue %d, value %d (rounded away from zero)', (text, milli, whole) => {
    expect(parseQuantity(text).milliValue()).toBe(milli);
    expect(parseQuantity(text).value()).toBe(whole);
  });

  it('approximates as a float', () => {
    expect(parseQuantity('1500m').asApproximateNumber()).toBeCloseTo(1.5);
  });
});

describe('package export', () => {
  it('exports the Quantity class from the library index, not the schema builder of the same name', () => {
    expect(api.Quantity).toBe(Quantity);
  });
});
