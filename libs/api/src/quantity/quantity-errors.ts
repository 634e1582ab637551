/** The grammar Kubernetes names in its error message; the number part is checked more strictly after the split. */
export const quantityRegexText = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

// Kubernetes' own texts, so that an API error body reads the same as the real apiserver's.
export const quantityFormatMessage = `quantities must match the regular expression '${quantityRegexText}'`;
export const quantitySuffixMessage = "unable to parse quantity's suffix";

/** Thrown for any text that is not a resource.Quantity; `input` keeps the offending text. */
export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}
