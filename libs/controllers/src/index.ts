export * from './controller';
export * from './controller-metrics';
export * from './queue-controller';
export * from './controller-registry';
