export * from './kubelet-server';
export * from './kubelet-server-deps';
export * from './stats-summary';
export { channelProtocols, type ChannelProtocol } from './remote-command-session';
