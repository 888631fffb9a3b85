import { EnvReader } from './env-reader';

/** The SMTP server: the delivery service's email channel, and the config service's notices to customers. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). */
  secure: boolean;
  /** Upgrade with STARTTLS, and refuse to send without it. */
  requireTls: boolean;
  user?: string;
  password?: string;
  /** "Name <address>" or an address. */
  from: string;
  pool: boolean;
  maxConnections: number;
  maxMessageBytes: number;
  timeoutMs: number;
}

/** SMTP_* variables; undefined without SMTP_HOST (no email). */
export function readSmtpEnv(env: EnvReader): SmtpSettings | undefined {
  const host = env.optionalString('SMTP_HOST');
  if (!host) return undefined;
  const port = env.int('SMTP_PORT', 587, { min: 1, max: 65535 });
  const user = env.optionalString('SMTP_USER');
  const password = env.optionalString('SMTP_PASSWORD');
  env.check(user && !password ? 'SMTP_PASSWORD is required with SMTP_USER' : undefined);
  return {
    host,
    port,
    secure: env.bool('SMTP_SECURE', port === 465),
    requireTls: env.bool('SMTP_REQUIRE_TLS', false),
    user,
    password,
    from: env.string('SMTP_FROM', 'Postbacks <postbacks@localhost>'),
    pool: env.bool('SMTP_POOL', true),
    maxConnections: env.int('SMTP_MAX_CONNECTIONS', 5, { min: 1, max: 100 }),
    maxMessageBytes: env.int('SMTP_MAX_MESSAGE_BYTES', 10 * 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
    timeoutMs: env.int('SMTP_TIMEOUT_MS', 15_000, { min: 100, max: 120_000 }),
  };
}
