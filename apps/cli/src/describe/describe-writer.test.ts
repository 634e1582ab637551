import { DescribeWriter } from './describe-writer';

describe('DescribeWriter', () => {
  it('aligns the values of one section, lists maps one entry a line, and indents nested sections', () => {
    const text = new DescribeWriter()
      .field('Name', 'web')
      .field('Namespace', 'default')
      .map('Labels', { b: '2', a: '1' })
      .heading('Containers')
      .heading('  app')
      .field('Image', 'nginx', 4)
      .field('Port', undefined, 4)
      .heading('Events')
      .table([['Type', 'Reason'], ['Normal', 'Scheduled']])
      .toString();
    expect(text).toBe(
      [
        'Name:       web',
        'Namespace:  default',
        'Labels:     a=1',
        '            b=2',
        'Containers:',
        '  app:',
        '    Image:  nginx',
        '    Port:   <none>',
        'Events:',
        '  Type     Reason',
        '  Normal   Scheduled',
        '',
      ].join('\n'),
    );
  });
});
