// The kubectl harness moved to libs/testing, where the kubelet's end-to-end tests use it too.
export { Kubectl, kubectlBinary, type KubectlResult } from '@skiff/testing';
