/** Thrown for a label or field selector that cannot be parsed or built; `input` is the offending text. */
export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}
