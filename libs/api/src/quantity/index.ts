export * from './quantity-errors';
export * from './quantity';
export * from './resource-list';
