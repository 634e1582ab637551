export * from './chain-names';
export * from './proxy-state';
export * from './render-rules';
export * from './base-rules';
export * from './host-commands';
export * from './rule-applier';
