// Structured logs (pino). Secrets are redacted by path so a careless log call cannot leak them.
import pino from 'pino';

export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        '*.token',
        '*.apiToken',
        '*.password',
        '*.DATABASE_URL',
        '*.RELEVO_API_TOKEN',
      ],
      censor: '[redacted]',
    },
  });
}
