// Signed, expiring links for people without an account (partner contacts): HMAC-SHA256 with the
// session secret over { purpose, contactId, requestId, exp }. The signature proves the link was
// issued by us and names one contact and one request; the stored request record (revocation, single
// use) is checked by the page that opens it.
import crypto from 'node:crypto';
import { config } from '../config.js';

export const linkPurposes = ['followup', 'optout', 'rsvp', 'review'] as const;
export type LinkPurpose = (typeof linkPurposes)[number];

export interface LinkPayload {
  purpose: LinkPurpose;
  contactId: string;
  requestId: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
}

export type LinkCheck =
  { ok: true; payload: LinkPayload } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'expired'; payload: LinkPayload };

const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const mac = (body: string, secret: string): Buffer => crypto.createHmac('sha256', `link:${secret}`).update(body).digest();

export function signLink(payload: LinkPayload, secret = config.sessionSecret): string {
  const body = b64(JSON.stringify([payload.purpose, payload.contactId, payload.requestId, payload.exp]));
  return `${body}.${b64(mac(body, secret))}`;
}

export function verifyLink(token: unknown, purpose: LinkPurpose, now = new Date(), secret = config.sessionSecret): LinkCheck {
  if (typeof token !== 'string' || token.length > 600) return { ok: false, reason: 'invalid' };
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = mac(body, secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!Array.isArray(parts) || parts.length !== 4) return { ok: false, reason: 'invalid' };
  const [p, contactId, requestId, exp] = parts as unknown[];
  if (p !== purpose || typeof contactId !== 'string' || typeof requestId !== 'string' || typeof exp !== 'number')
    return { ok: false, reason: 'invalid' };
  const payload = { purpose, contactId, requestId, exp };
  if (exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired', payload };
  return { ok: true, payload };
}

export const expIn = (now: Date, days: number): number => Math.floor(now.getTime() / 1000) + Math.round(days * 86400);

export const linkUrl = (path: string, token: string): string => `${config.baseUrl}${path}/${token}`;

/** The one-click opt-out link of a partner contact (long-lived, stateless: opting out is idempotent). */
export function optOutUrl(partnerId: string, contactId: string, now = new Date()): string {
  return linkUrl('/p/optout', signLink({ purpose: 'optout', contactId, requestId: partnerId, exp: expIn(now, 3650) }));
}
