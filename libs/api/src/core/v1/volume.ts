import { ObjectMetaSchema } from '../../meta/object-meta';
import { Bool, Int, Int64, List, Opt, Quantity, RawJSON, RetainKeys, Str, StringMap, Struct, type Static } from '../../schema/builders';
import { LocalObjectReferenceSchema, ObjectFieldSelectorSchema, ResourceFieldSelectorSchema } from './container';

/** core/v1 Volume: a name plus exactly one source. */

export const KeyToPathSchema = Struct({ key: Str(), path: Str(), mode: Opt(Int()) });

export const HostPathVolumeSourceSchema = Struct({
  path: Str(),
  type: Opt(Str()),
});
export const EmptyDirVolumeSourceSchema = Struct({ medium: Opt(Str()), sizeLimit: Opt(Quantity()) });
export const SecretVolumeSourceSchema = Struct({
  secretName: Opt(Str()),
  items: Opt(List(KeyToPathSchema)),
  defaultMode: Opt(Int()),
  optional: Opt(Bool()),
});
export const ConfigMapVolumeSourceSchema = Struct({
  name: Opt(Str()),
  items: Opt(List(KeyToPathSchema)),
  defaultMode: Opt(Int()),
  optional: Opt(Bool()),
});
export const PersistentVolumeClaimVolumeSourceSchema = Struct({ claimName: Str(), readOnly: Opt(Bool()) });
export const NFSVolumeSourceSchema = Struct({ server: Str(), path: Str(), readOnly: Opt(Bool()) });

export const DownwardAPIVolumeFileSchema = Struct({
  path: Str(),
  fieldRef: Opt(ObjectFieldSelectorSchema),
  resourceFieldRef: Opt(ResourceFieldSelectorSchema),
  mode: Opt(Int()),
});
export const DownwardAPIVolumeSourceSchema = Struct({
  items: Opt(List(DownwardAPIVolumeFileSchema)),
  defaultMode: Opt(Int()),
});

export const VolumeProjectionSchema = Struct({
  secret: Opt(Struct({ name: Opt(Str()), items: Opt(List(KeyToPathSchema)), optional: Opt(Bool()) })),
  configMap: Opt(Struct({ name: Opt(Str()), items: Opt(List(KeyToPathSchema)), optional: Opt(Bool()) })),
  downwardAPI: Opt(Struct({ items: Opt(List(DownwardAPIVolumeFileSchema)) })),
  serviceAccountToken: Opt(Struct({ audience: Opt(Str()), expirationSeconds: Opt(Int64()), path: Str() })),
});
export type VolumeProjection = Static<typeof VolumeProjectionSchema>;
export const ProjectedVolumeSourceSchema = Struct({
  sources: Opt(List(VolumeProjectionSchema)),
  defaultMode: Opt(Int()),
});

export const CSIVolumeSourceSchema = Struct({
  driver: Str(),
  readOnly: Opt(Bool()),
  fsType: Opt(Str()),
  volumeAttributes: Opt(StringMap()),
  nodePublishSecretRef: Opt(LocalObjectReferenceSchema),
});
export const EphemeralVolumeSourceSchema = Struct({
  // The claim template's spec belongs to PersistentVolumeClaim, which Skiff does not serve; kept as given.
  volumeClaimTemplate: Opt(Struct({ metadata: Opt(ObjectMetaSchema), spec: RawJSON() })),
});
export const ImageVolumeSourceSchema = Struct({ reference: Opt(Str()), pullPolicy: Opt(Str()) });

export const VolumeSchema = Struct(
  {
    name: Str(),
    hostPath: Opt(HostPathVolumeSourceSchema),
    emptyDir: Opt(EmptyDirVolumeSourceSchema),
    secret: Opt(SecretVolumeSourceSchema),
    configMap: Opt(ConfigMapVolumeSourceSchema),
    persistentVolumeClaim: Opt(PersistentVolumeClaimVolumeSourceSchema),
    nfs: Opt(NFSVolumeSourceSchema),
    downwardAPI: Opt(DownwardAPIVolumeSourceSchema),
    projected: Opt(ProjectedVolumeSourceSchema),
    csi: Opt(CSIVolumeSourceSchema),
    ephemeral: Opt(EphemeralVolumeSourceSchema),
    image: Opt(ImageVolumeSourceSchema),
  },
  RetainKeys,
);
export type Volume = Static<typeof VolumeSchema>;

/** The volume sources a Volume may set; exactly one per volume. */
export const volumeSourceNames = Object.keys(VolumeSchema.properties).filter((k) => k !== 'name') as Exclude<keyof Volume, 'name'>[];
