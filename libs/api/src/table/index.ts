export { humanDuration, timeSince } from './human-duration';
export type { TablePrinter } from './table-printer';
export { formatLabels, formatLabelSelector } from './cell-format';
export * from './build-table';
export { tablePrinterFor } from './printers';
export { summarizePod, type PodSummary } from './pod-printer';
export { nodeRoles, nodeStatus } from './node-printer';
export { formatEndpoints, servicePorts } from './service-printers';
