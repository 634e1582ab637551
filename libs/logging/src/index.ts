import winston from 'winston';

export type Logger = winston.Logger;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * One logger per program: structured JSON lines on stderr (or human-readable with SKIFF_LOG_FORMAT=text),
 * each carrying the component name. The level comes from --v style flags or SKIFF_LOG_LEVEL.
 */
export function createLogger(component: string, level: LogLevel = (process.env.SKIFF_LOG_LEVEL as LogLevel) || 'info'): Logger {
  const text = process.env.SKIFF_LOG_FORMAT === 'text';
  return winston.createLogger({
    level,
    defaultMeta: { component },
    format: text
      ? winston.format.combine(
          winston.format.timestamp(),
          winston.format.printf(({ timestamp, level: lvl, message, component: c, ...rest }) => {
            const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
            return `${timestamp} ${lvl.toUpperCase()} ${c}: ${message}${extra}`;
          }),
        )
      : winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

/** A logger that drops everything, for tests and libraries used without a program around them. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
