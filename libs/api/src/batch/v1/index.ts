import type { ResourceType } from '../../scheme/resource-type';
import { cronjobs } from './cron-job';
import { jobs } from './job';

export * from './job';
export * from './job-defaults';
export * from './job-validation';
export * from './cron-job';
export * from './cron-job-validation';
export * from './cron-schedule';

/** batch/v1 resources in discovery order. */
export const batchV1Resources: ResourceType<any>[] = [jobs, cronjobs];
