export * from './options';
export * from './controller-selection';
export * from './controller-manager';
export * from './root-ca-file';
