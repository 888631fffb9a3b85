import pino, { Logger, LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs, one module for every service. Secrets are removed and personal data is
 * masked before a line is written, wherever in the logged object they sit (up to two levels deep).
 */
const SECRET_KEYS = [
  'secret',
  'secrets',
  'signingSecret',
  'sealedSecrets',
  'password',
  'pass',
  'apiKey',
  'token',
  'authorization',
  'cookie',
  'x-api-key',
  'webhook-signature',
];
const PERSONAL_KEYS = ['email', 'phone', 'name', 'line1', 'line2', 'postalCode', 'recipients', 'to', 'cc', 'bcc'];

function paths(keys: string[]): string[] {
  const quoted = keys.map((k) => (/^[a-zA-Z_$][\w$]*$/.test(k) ? k : `["${k}"]`));
  const join = (prefix: string, k: string) => (k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
  return quoted.flatMap((k) => [k.startsWith('[') ? k.slice(2, -2) : k, join('*', k), join('*.*', k)]);
}

export function maskPersonal(value: unknown): string {
  if (typeof value !== 'string') return '[masked]';
  if (value.includes('@')) {
    const [local, domain] = value.split('@');
    return `${(local ?? '').slice(0, 1)}***@${domain ?? ''}`;
  }
  return value.length <= 2 ? '**' : `${value.slice(0, 1)}***`;
}

export interface LoggerConfig {
  service: string;
  level: string;
  /** Extra fields on every line (e.g. the instance id). */
  base?: Record<string, unknown>;
}

export function createLogger(config: LoggerConfig, destination?: pino.DestinationStream): Logger {
  const secretPaths = paths(SECRET_KEYS);
  const personalPaths = paths(PERSONAL_KEYS);
  const options: LoggerOptions = {
    level: config.level,
    base: { service: config.service, ...config.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [...secretPaths, ...personalPaths],
      censor: (value, path) => (SECRET_KEYS.includes(path[path.length - 1] ?? '') ? '[redacted]' : maskPersonal(value)),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
