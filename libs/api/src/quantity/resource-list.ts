import { QuantityParseError } from './quantity-errors';
import { Quantity } from './quantity';

function parseEntry(name: string, text: string): Quantity {
  try {
    return Quantity.parse(text);
  } catch (err) {
    if (err instanceof QuantityParseError) throw new QuantityParseError(text, `${name}: ${err.message}`);
    throw err;
  }
}

/**
 * Adds two resource lists (`{cpu: "100m", memory: "1Gi"}`) name by name, as quota and scheduler
 * accounting do; a name present in only one list keeps its amount. Values come back in printed form.
 */
export function sumResourceLists(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const totals = new Map<string, Quantity>();
  for (const list of [a ?? {}, b ?? {}]) {
    for (const [name, text] of Object.entries(list)) {
      const amount = parseEntry(name, String(text));
      const sofar = totals.get(name);
      totals.set(name, sofar ? sofar.add(amount) : amount);
    }
  }
  return Object.fromEntries([...totals].map(([name, total]) => [name, total.toString()]));
}
