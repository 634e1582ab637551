export * from './pod-routes';
export * from './pod-route-syncer';
export * from './route-table';
