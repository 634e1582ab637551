export * from './stats';
export * from './options';
export * from './bench-result';
export * from './goals';
export * from './report-table';
export * from './run-apiserver-bench';
