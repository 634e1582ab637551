import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, silentLogger } from './index';

function capture(logger: winston.Logger): string[] {
  const lines: string[] = [];
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _enc, cb) {
          lines.push(chunk.toString().trim());
          cb();
        },
      }),
    }),
  );
  return lines;
}

describe('createLogger', () => {
  it('writes structured lines carrying the component and level', () => {
    const logger = createLogger('scheduler', 'info');
    const lines = capture(logger);
    logger.info('bound pod', { pod: 'default/web' });
    logger.debug('not shown at info');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ component: 'scheduler', level: 'info', message: 'bound pod', pod: 'default/web' });
  });

  it('honours the level', () => {
    const logger = createLogger('kubelet', 'debug');
    const lines = capture(logger);
    logger.debug('detail');
    expect(lines).toHaveLength(1);
  });

  it('has a silent logger for libraries used without a program', () => {
    expect(silentLogger().silent).toBe(true);
  });
});
