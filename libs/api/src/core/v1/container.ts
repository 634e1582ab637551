import {
  Bool,
  Int,
  Int64,
  IntOrString,
  List,
  ListMap,
  MapOf,
  Opt,
  Quantity,
  Str,
  StrEnum,
  Struct,
  type Static,
} from '../../schema/builders';

/** core/v1 Container and everything it is made of (env, ports, probes, resources, security context). */

export const LocalObjectReferenceSchema = Struct({ name: Opt(Str()) });
export type LocalObjectReference = Static<typeof LocalObjectReferenceSchema>;

export const ObjectFieldSelectorSchema = Struct({ apiVersion: Opt(Str()), fieldPath: Str() });
export const ResourceFieldSelectorSchema = Struct({
  containerName: Opt(Str()),
  resource: Str(),
  divisor: Opt(Quantity()),
});
export const ConfigMapKeySelectorSchema = Struct({ name: Opt(Str()), key: Str(), optional: Opt(Bool()) });
export const SecretKeySelectorSchema = Struct({ name: Opt(Str()), key: Str(), optional: Opt(Bool()) });

export const EnvVarSourceSchema = Struct({
  fieldRef: Opt(ObjectFieldSelectorSchema),
  resourceFieldRef: Opt(ResourceFieldSelectorSchema),
  configMapKeyRef: Opt(ConfigMapKeySelectorSchema),
  secretKeyRef: Opt(SecretKeySelectorSchema),
});
export const EnvVarSchema = Struct({ name: Str(), value: Opt(Str()), valueFrom: Opt(EnvVarSourceSchema) });
export type EnvVar = Static<typeof EnvVarSchema>;

export const EnvFromSourceSchema = Struct({
  prefix: Opt(Str()),
  configMapRef: Opt(Struct({ name: Opt(Str()), optional: Opt(Bool()) })),
  secretRef: Opt(Struct({ name: Opt(Str()), optional: Opt(Bool()) })),
});
export type EnvFromSource = Static<typeof EnvFromSourceSchema>;

export const protocols = ['TCP', 'UDP', 'SCTP'] as const;
export const ContainerPortSchema = Struct({
  name: Opt(Str()),
  hostPort: Opt(Int()),
  containerPort: Int(),
  protocol: Opt(Str()),
  hostIP: Opt(Str()),
});
export type ContainerPort = Static<typeof ContainerPortSchema>;

export const ResourceListSchema = MapOf(Quantity());
export type ResourceList = Static<typeof ResourceListSchema>;
export const ResourceRequirementsSchema = Struct({
  limits: Opt(ResourceListSchema),
  requests: Opt(ResourceListSchema),
  claims: Opt(ListMap(Struct({ name: Str(), request: Opt(Str()) }), 'name')),
});
export type ResourceRequirements = Static<typeof ResourceRequirementsSchema>;

export const ContainerResizePolicySchema = Struct({ resourceName: Str(), restartPolicy: Str() });

export const VolumeMountSchema = Struct({
  name: Str(),
  readOnly: Opt(Bool()),
  recursiveReadOnly: Opt(Str()),
  mountPath: Str(),
  subPath: Opt(Str()),
  mountPropagation: Opt(StrEnum(['None', 'HostToContainer', 'Bidirectional'])),
  subPathExpr: Opt(Str()),
});
export type VolumeMount = Static<typeof VolumeMountSchema>;
export const VolumeDeviceSchema = Struct({ name: Str(), devicePath: Str() });
export type VolumeDevice = Static<typeof VolumeDeviceSchema>;

export const ExecActionSchema = Struct({ command: Opt(List(Str())) });
export const HTTPGetActionSchema = Struct({
  path: Opt(Str()),
  port: IntOrString(),
  host: Opt(Str()),
  scheme: Opt(Str()),
  httpHeaders: Opt(List(Struct({ name: Str(), value: Str() }))),
});
export const TCPSocketActionSchema = Struct({ port: IntOrString(), host: Opt(Str()) });
export const GRPCActionSchema = Struct({ port: Int(), service: Opt(Str()) });
export const SleepActionSchema = Struct({ seconds: Int64() });

export const ProbeSchema = Struct({
  exec: Opt(ExecActionSchema),
  httpGet: Opt(HTTPGetActionSchema),
  tcpSocket: Opt(TCPSocketActionSchema),
  grpc: Opt(GRPCActionSchema),
  initialDelaySeconds: Opt(Int()),
  timeoutSeconds: Opt(Int()),
  periodSeconds: Opt(Int()),
  successThreshold: Opt(Int()),
  failureThreshold: Opt(Int()),
  terminationGracePeriodSeconds: Opt(Int64()),
});
export type Probe = Static<typeof ProbeSchema>;

export const LifecycleHandlerSchema = Struct({
  exec: Opt(ExecActionSchema),
  httpGet: Opt(HTTPGetActionSchema),
  tcpSocket: Opt(TCPSocketActionSchema),
  sleep: Opt(SleepActionSchema),
});
export type LifecycleHandler = Static<typeof LifecycleHandlerSchema>;
export const LifecycleSchema = Struct({
  postStart: Opt(LifecycleHandlerSchema),
  preStop: Opt(LifecycleHandlerSchema),
  stopSignal: Opt(Str()),
});

export const SELinuxOptionsSchema = Struct({ user: Opt(Str()), role: Opt(Str()), type: Opt(Str()), level: Opt(Str()) });
export const WindowsSecurityContextOptionsSchema = Struct({
  gmsaCredentialSpecName: Opt(Str()),
  gmsaCredentialSpec: Opt(Str()),
  runAsUserName: Opt(Str()),
  hostProcess: Opt(Bool()),
});
export const SeccompProfileSchema = Struct({
  type: StrEnum(['RuntimeDefault', 'Unconfined', 'Localhost']),
  localhostProfile: Opt(Str()),
});
export const AppArmorProfileSchema = Struct({
  type: StrEnum(['RuntimeDefault', 'Unconfined', 'Localhost']),
  localhostProfile: Opt(Str()),
});

export const SecurityContextSchema = Struct({
  capabilities: Opt(Struct({ add: Opt(List(Str())), drop: Opt(List(Str())) })),
  privileged: Opt(Bool()),
  seLinuxOptions: Opt(SELinuxOptionsSchema),
  windowsOptions: Opt(WindowsSecurityContextOptionsSchema),
  runAsUser: Opt(Int64()),
  runAsGroup: Opt(Int64()),
  runAsNonRoot: Opt(Bool()),
  readOnlyRootFilesystem: Opt(Bool()),
  allowPrivilegeEscalation: Opt(Bool()),
  procMount: Opt(StrEnum(['Default', 'Unmasked'])),
  seccompProfile: Opt(SeccompProfileSchema),
  appArmorProfile: Opt(AppArmorProfileSchema),
});
export type SecurityContext = Static<typeof SecurityContextSchema>;

/** Fields shared by Container and EphemeralContainer. */
const containerFields = {
  name: Str(),
  image: Opt(Str()),
  command: Opt(List(Str())),
  args: Opt(List(Str())),
  workingDir: Opt(Str()),
  ports: Opt(ListMap(ContainerPortSchema, 'containerPort', { 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] })),
  envFrom: Opt(List(EnvFromSourceSchema)),
  env: Opt(ListMap(EnvVarSchema, 'name')),
  resources: Opt(ResourceRequirementsSchema),
  resizePolicy: Opt(List(ContainerResizePolicySchema)),
  restartPolicy: Opt(Str()),
  volumeMounts: Opt(ListMap(VolumeMountSchema, 'mountPath')),
  volumeDevices: Opt(ListMap(VolumeDeviceSchema, 'devicePath')),
  livenessProbe: Opt(ProbeSchema),
  readinessProbe: Opt(ProbeSchema),
  startupProbe: Opt(ProbeSchema),
  lifecycle: Opt(LifecycleSchema),
  terminationMessagePath: Opt(Str()),
  terminationMessagePolicy: Opt(StrEnum(['File', 'FallbackToLogsOnError'])),
  imagePullPolicy: Opt(StrEnum(['Always', 'Never', 'IfNotPresent'])),
  securityContext: Opt(SecurityContextSchema),
  stdin: Opt(Bool()),
  stdinOnce: Opt(Bool()),
  tty: Opt(Bool()),
};

export const ContainerSchema = Struct(containerFields);
export type Container = Static<typeof ContainerSchema>;

export const EphemeralContainerSchema = Struct({ ...containerFields, targetContainerName: Opt(Str()) });
export type EphemeralContainer = Static<typeof EphemeralContainerSchema>;
