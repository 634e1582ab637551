export { decodeProtobufBody, protobufMediaType } from './decode-protobuf-body';
export { messageToJSON } from './message-to-json';
export { kubernetesProtoDir, kubernetesProtos, loadKubernetesProtos, messageTypeFor } from './proto-root';
export { formatGoDuration, ProtobufContentError } from './wire-values';
