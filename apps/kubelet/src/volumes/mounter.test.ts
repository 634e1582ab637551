import { parseMountInfo } from './mounter';

describe('parseMountInfo', () => {
  it('takes the mount point field and undoes octal escapes', () => {
    const text = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
      '42 27 0:39 / /var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/my\\040vol rw,relatime - tmpfs tmpfs rw,size=1024k',
      '',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual(['/', '/var/lib/kubelet/pods/u/volumes/kubernetes.io~empty-dir/my vol']);
  });
});
