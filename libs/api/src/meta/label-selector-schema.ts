import { List, Opt, Str, StringMap, Struct, type Static } from '../schema/builders';

export const LabelSelectorRequirementSchema = Struct({
  key: Str(),
  operator: Str(),
  values: Opt(List(Str())),
});

/** metav1.LabelSelector as written in objects (the parsed form lives in selectors/). */
export const LabelSelectorSchema = Struct({
  matchLabels: Opt(StringMap()),
  matchExpressions: Opt(List(LabelSelectorRequirementSchema)),
});
export type LabelSelector = Static<typeof LabelSelectorSchema>;
export type LabelSelectorRequirement = Static<typeof LabelSelectorRequirementSchema>;
