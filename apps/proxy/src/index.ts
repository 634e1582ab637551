export * from './iptables';
export * from './host-network';
export * from './sync-runner';
export * from './proxier-metrics';
export * from './proxier';
export { proxiedClusterIP, servicePortsOf } from './service-ports';
export * from './dns';
export * from './routes';
