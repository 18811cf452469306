// Every environment variable the app reads, parsed and validated once. Nothing else reads process.env.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const projectRoot = path.resolve(import.meta.dirname, import.meta.dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], { message: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'on', 'yes'].includes(v)));

const cron = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v ?? fallback)
    .refine((v) => /^(\S+\s+){4,5}\S+$/.test(v.trim()), { message: 'expected a cron expression (5 or 6 fields)' });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  BASE_URL: z.url({ message: 'expected an absolute URL such as http://localhost:3000' }).optional(),
  TRUST_PROXY: bool(false),
  SESSION_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI')
    .optional(),
  DATA_DIR: z.string().min(1).default('data'),
  FERRETDB_PORT: z.coerce.number().int().min(0).max(65535).default(27117),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://user:pass@host:port or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Passerelle <no-reply@passerelle.local>'),
  DEFAULT_LOCALE: z.enum(['fr', 'en']).default('fr'),
  DEFAULT_TIMEZONE: z.string().min(1).default('America/Toronto'),
  // Benchmarks: lets a production server answer X-Db-Commands to requests that ask for it.
  COUNT_DB_COMMANDS: z.enum(['on', 'off']).default('off'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  LOGIN_BLOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).default(19456),
  SCHEDULER: z.enum(['on', 'off']).default('on'),
  CRON_TICK: cron('* * * * *'),
  CRON_DAILY: cron('15 2 * * *'),
  CRON_WEEKLY_DIGEST: cron('0 7 * * 1'),
  MEETING_REMINDER_HOURS: z.coerce.number().min(0).default(24),
  QUIET_PARTNERSHIP_DAYS: z.coerce.number().int().min(1).default(60),
  BLOCKER_ESCALATION_DAYS: z.coerce.number().int().min(1).default(14),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(6),
  // How long the change log keeps entries; the in-memory read model reloads in the background every half of it.
  CHANGE_RETENTION_MINUTES: z.coerce.number().int().min(2).default(60),
  // Scheduled backups into <DATA_DIR>/backups: empty (the default) is off.
  BACKUP_CRON: z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .refine((v) => v === '' || /^(\S+\s+){4,5}\S+$/.test(v), { message: 'expected a cron expression (5 or 6 fields), or empty for none' }),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(7),
  // Largest document a user may attach to a record, in megabytes (decimals allowed, for tests).
  DOCUMENT_MAX_MB: z.coerce.number().positive().max(1024).default(25),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  baseUrl: string;
  trustProxy: boolean;
  /** Signs session cookies and partner links; read (or generated) when first needed. */
  sessionSecret: string;
  /** Where the generated secret is kept, when SESSION_SECRET is not set (undefined under test). */
  sessionSecretFile: string | undefined;
  sessionSecretFrom: 'SESSION_SECRET' | 'file' | 'this process';
  mongodbUri: string | undefined;
  dataDir: string;
  ferretdbPort: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  defaultLocale: 'fr' | 'en';
  defaultTimezone: string;
  logLevel: string;
  countDbCommands: boolean;
  login: { maxAttempts: number; blockMinutes: number };
  passwordHashMemoryKiB: number;
  scheduler: { enabled: boolean; tick: string; daily: string; weeklyDigest: string };
  reminders: { meetingLeadHours: number; quietPartnershipDays: number; blockerEscalationDays: number; maxAttempts: number };
  changeRetentionMs: number;
  /** Archives go to `dir`; `cron` null means no scheduled backup; the newest `keep` are kept. */
  backup: { dir: string; cron: string | null; keep: number };
  documentMaxBytes: number;
}>;

export class ConfigError extends Error {}

function keptSecretOrStop(file: string): string {
  try {
    return keptSecret(file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `Invalid configuration:\n  SESSION_SECRET is not set and the generated one cannot be kept in ${file}: ${(err as Error).message}`,
    );
  }
}

const newSecret = (): string => crypto.randomBytes(48).toString('base64url');

/**
 * The secret kept in the data folder: read it, or create it once (mode 0600). Created under a
 * temporary name and linked into place, so a web process and a worker starting together for the
 * first time end up with the same secret (link fails when the name exists; the loser reads it).
 */
function keptSecret(file: string): string {
  const read = (): string => {
    const secret = fs.readFileSync(file, 'utf8').trim();
    if (secret.length < 32)
      throw new ConfigError(
        `Invalid configuration:\n  ${file}: the kept session secret is cut short; remove the file to generate a new one`,
      );
    if (fs.statSync(file).mode & 0o077) fs.chmodSync(file, 0o600);
    return secret;
  };
  try {
    return read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomUUID()}`;
  fs.writeFileSync(temporary, `${newSecret()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return read();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `NAME=` in a .env file (as .env.example leaves them) means "not set".
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  // Several processes on one database (web instances, the worker) must sign with one secret, and a
  // file kept on one machine's disk cannot be shared: a shared database needs SESSION_SECRET.
  if (isProduction && e.MONGODB_URI && !e.SESSION_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  SESSION_SECRET: required in production when MONGODB_URI is set (every web process and the worker must share it; at least 32 characters, e.g. `openssl rand -base64 48`)',
    );
  }
  const dataDir = path.resolve(projectRoot, e.DATA_DIR);
  // No secret is written in the code: SESSION_SECRET, else one generated at the first start and kept
  // in the data folder (restarts keep sessions, the worker signs links the web process accepts).
  // The test harness gets a fresh one per process, kept nowhere.
  const sessionSecretFile = e.SESSION_SECRET || e.NODE_ENV === 'test' ? undefined : path.join(dataDir, 'session-secret');
  let sessionSecret = e.SESSION_SECRET;
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY,
    // Read when first needed, so loading the configuration writes nothing.
    get sessionSecret(): string {
      sessionSecret ??= sessionSecretFile ? keptSecretOrStop(sessionSecretFile) : newSecret();
      return sessionSecret;
    },
    sessionSecretFile,
    sessionSecretFrom: e.SESSION_SECRET ? 'SESSION_SECRET' : sessionSecretFile ? 'file' : 'this process',
    mongodbUri: e.MONGODB_URI,
    dataDir,
    ferretdbPort: e.FERRETDB_PORT,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    defaultLocale: e.DEFAULT_LOCALE,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    countDbCommands: e.COUNT_DB_COMMANDS === 'on' || e.NODE_ENV !== 'production',
    login: { maxAttempts: e.LOGIN_MAX_ATTEMPTS, blockMinutes: e.LOGIN_BLOCK_MINUTES },
    passwordHashMemoryKiB: e.PASSWORD_HASH_MEMORY_KIB,
    scheduler: { enabled: e.SCHEDULER === 'on', tick: e.CRON_TICK, daily: e.CRON_DAILY, weeklyDigest: e.CRON_WEEKLY_DIGEST },
    reminders: {
      meetingLeadHours: e.MEETING_REMINDER_HOURS,
      quietPartnershipDays: e.QUIET_PARTNERSHIP_DAYS,
      blockerEscalationDays: e.BLOCKER_ESCALATION_DAYS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
    },
    changeRetentionMs: e.CHANGE_RETENTION_MINUTES * 60_000,
    backup: { dir: path.join(dataDir, 'backups'), cron: e.BACKUP_CRON || null, keep: e.BACKUP_KEEP },
    documentMaxBytes: Math.floor(e.DOCUMENT_MAX_MB * 1024 * 1024),
  });
}

/** The process's configuration, read once at first import (the test harness sets the environment before). */
export const config: Config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    // Fail fast with a message naming the variable, not a stack trace.
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
})();

/**
 * Entry points (server, worker) call this at start, before anything else: the secret is read or
 * generated now, so a problem stops the start with its message instead of failing a first request.
 */
export function sessionSecretReady(c: Config = config): string {
  try {
    void c.sessionSecret;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  if (c.sessionSecretFrom === 'file') return `session secret kept in ${c.sessionSecretFile}`;
  return c.sessionSecretFrom === 'SESSION_SECRET' ? 'session secret from SESSION_SECRET' : 'session secret generated for this process';
}
