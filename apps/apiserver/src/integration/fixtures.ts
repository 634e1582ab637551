/** A minimal valid object of every stored kind, keyed by resource, for CRUD round trips. */
const podSpec = { containers: [{ name: 'c', image: 'busybox:1.36' }] };
const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };
const selector = { matchLabels: { app: 'x' } };

export const fixtures: Record<string, (name: string) => Record<string, unknown>> = {
  pods: (name) => ({ metadata: { name, labels: { app: 'x' } }, spec: podSpec }),
  namespaces: (name) => ({ metadata: { name } }),
  nodes: (name) => ({ metadata: { name } }),
  services: (name) => ({ metadata: { name }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }),
  endpoints: (name) => ({ metadata: { name }, subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }] }),
  configmaps: (name) => ({ metadata: { name }, data: { k: 'v' } }),
  secrets: (name) => ({ metadata: { name }, stringData: { k: 'v' } }),
  serviceaccounts: (name) => ({ metadata: { name } }),
  events: (name) => ({
    metadata: { name },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Tested',
    message: 'a test event',
    type: 'Normal',
  }),
  deployments: (name) => ({ metadata: { name }, spec: { selector, template } }),
  replicasets: (name) => ({ metadata: { name }, spec: { selector, template } }),
  daemonsets: (name) => ({ metadata: { name }, spec: { selector, template } }),
  statefulsets: (name) => ({ metadata: { name }, spec: { selector, template, serviceName: 'x' } }),
  controllerrevisions: (name) => ({ metadata: { name }, revision: 1, data: { spec: {} } }),
  jobs: (name) => ({ metadata: { name }, spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } }),
  cronjobs: (name) => ({
    metadata: { name },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } },
  }),
  leases: (name) => ({ metadata: { name }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } }),
  endpointslices: (name) => ({ metadata: { name }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'] }], ports: [{ port: 80 }] }),
  poddisruptionbudgets: (name) => ({ metadata: { name }, spec: { minAvailable: 1, selector } }),
  priorityclasses: (name) => ({ metadata: { name }, value: 1000 }),
  horizontalpodautoscalers: (name) => ({
    metadata: { name },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 3 },
  }),
  roles: (name) => ({ metadata: { name }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['web'] }] }),
  clusterroles: (name) => ({
    metadata: { name, labels: { 'example.com/aggregate': 'true' } },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-x': 'true' } }] },
  }),
  rolebindings: (name) => ({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }, { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
  }),
  clusterrolebindings: (name) => ({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
  }),
  // A P-256 PKCS#10 request for system:node:crud made once with openssl; the apiserver checks its signature.
  certificatesigningrequests: (name) => ({
    metadata: { name },
    spec: {
      request:
        'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIdE1JR1VBZ0VBTURJeEZUQVRCZ05WQkFvTURITjVjM1JsYlRwdWIyUmxjekVaTUJjR0ExVUVBd3dRYzNsegpkR1Z0T201dlpHVTZZM0oxWkRCWk1CTUdCeXFHU000OUFnRUdDQ3FHU000OUF3RUhBMElBQkJkWm1PQVlnVjBrCnMrVFFmSTBaU1ArOUwxV1REcnA3Y1dMOXNaZE91ZkJ3UFZ4ZjRMUnlSUWxlWXBGd2tVeDJCOHJjbzNhRHBJN1gKTEtoR0V6RWU2ZktnQURBS0JnZ3Foa2pPUFFRREFnTklBREJGQWlCdFhCbDk1cWpBc1lTckNDekFnRnFEbUNodgprY0lMNjR0YUI3eEFWcUIxNXdJaEFNSVRMZkRMLzZ3NDU0SEVKN3JtMis2UDYrYU43d3VUclJpaHQ0LzZDeko1Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=',
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'],
    },
  }),
};
