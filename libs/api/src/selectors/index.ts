export * from './selector-errors';
export * from './label-requirement';
export * from './label-selector';
export * from './label-selector-parser';
export * from './field-selector';
