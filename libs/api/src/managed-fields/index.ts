export * from './field-schema';
export * from './field-set';
export * from './field-set-of';
export * from './compare-objects';
export * from './apply-merge';
export * from './ownership';
