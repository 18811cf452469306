// One mail transport for the process: pooled SMTP when SMTP_URL is set, else the development outbox.
import crypto from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { config } from '../config.js';
import { DevMailModel } from './dev-mail.model.js';

export interface MailAttachment {
  filename: string;
  content: string;
  contentType: string;
}

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
  /** Deterministic per outbox entry, so a resend after a crash is recognisable as the same message. */
  messageId?: string;
  icalEvent?: { method: string; content: string };
}

export interface SentMail {
  messageId: string;
  response: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'dev-outbox';
  send(mail: OutgoingMail): Promise<SentMail>;
  verify(): Promise<void>;
  close(): void;
}

const domain = (): string => config.mailFrom.match(/@([^>\s]+)/)?.[1] ?? 'passerelle.local';
export const newMessageId = (seed?: string): string => `<${seed ?? crypto.randomUUID()}@${domain()}>`;

function smtpMailer(url: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(url, {
    pool: true,
    maxConnections: 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as object);
  return {
    kind: 'smtp',
    async send(mail) {
      const messageId = mail.messageId ?? newMessageId();
      const info = (await transport.sendMail({ from: config.mailFrom, ...mail, messageId })) as { messageId: string; response: string };
      return { messageId: info.messageId || messageId, response: info.response };
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}

export function devOutboxMailer(): Mailer {
  return {
    kind: 'dev-outbox',
    async send(mail) {
      const messageId = mail.messageId ?? newMessageId();
      const attachments = [...(mail.attachments ?? [])];
      if (mail.icalEvent)
        attachments.push({
          filename: 'invite.ics',
          contentType: `text/calendar; method=${mail.icalEvent.method}`,
          content: mail.icalEvent.content,
        });
      // A plain insert, not an upsert: FerretDB drops an empty array written through $setOnInsert,
      // and the unique messageId keeps a resend of the same message to one copy.
      await DevMailModel.init(); // the unique index exists before the first insert relies on it
      await DevMailModel.create({
        messageId,
        from: config.mailFrom,
        to: Array.isArray(mail.to) ? mail.to : [mail.to],
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        headers: mail.headers ?? {},
        attachments,
      }).catch((err: unknown) => {
        if ((err as { code?: number }).code !== 11000) throw err;
      });
      return { messageId, response: '250 stored in the development outbox' };
    },
    async verify() {},
    close() {},
  };
}

let current: Mailer | undefined;
export function mailer(): Mailer {
  current ??= config.smtpUrl ? smtpMailer(config.smtpUrl) : devOutboxMailer();
  return current;
}

export function closeMailer(): void {
  current?.close();
  current = undefined;
}
