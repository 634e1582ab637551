export * from './controller';
export * from './controller-metrics';
export * from './queue-controller';
export * from './controller-registry';
export * from './podgc/podgc-controller';
export * from './replicaset/replicaset-controller';
export * from './serviceaccount/serviceaccount-controller';
