import type { KObject, ResourceType } from '@skiff/api';

/** Who is making a request; filled by authentication (anonymous until the cluster issue adds authn). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** What authentication adds, e.g. the pod a ServiceAccount token is bound to (authentication.kubernetes.io/pod-name). */
  extra?: Record<string, string[]>;
}

export const anonymousUser: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  operation: AdmissionOperation;
  type: ResourceType;
  subresource?: string;
  namespace?: string;
  name: string;
  /** The object being written; mutating plugins may change it. */
  object?: KObject;
  oldObject?: KObject;
  user: UserInfo;
  dryRun: boolean;
}

/**
 * An admission plugin: `mutate` runs first (in order) and may change the object, `validate` runs after
 * schema validation and may only reject (by throwing a StatusError).
 */
export interface AdmissionPlugin {
  name: string;
  mutate?(req: AdmissionRequest): Promise<void> | void;
  validate?(req: AdmissionRequest): Promise<void> | void;
}

export class AdmissionChain {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  async mutate(req: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) if (p.mutate) await p.mutate(req);
  }

  async validate(req: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(req);
  }
}
