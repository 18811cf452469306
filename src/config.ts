// Every environment variable the app reads, parsed and validated once. Nothing else reads process.env.
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
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(6),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  baseUrl: string;
  trustProxy: boolean;
  sessionSecret: string;
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
  reminders: { meetingLeadHours: number; quietPartnershipDays: number; maxAttempts: number };
}>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required in production (at least 32 characters)');
  }
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY,
    // Development default only: production refuses to start without SESSION_SECRET (checked above).
    sessionSecret: e.SESSION_SECRET ?? 'development-only-secret-change-me-0123456789',
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(projectRoot, e.DATA_DIR),
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
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
    },
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
