export * from './free-port';
export * from './process-handle';
export * from './wait-for';
export * from './etcd';
export * from './apiserver';
export * from './control-plane';
