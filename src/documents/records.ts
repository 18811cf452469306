// The records a document can be attached to, and who may attach to or archive from each: the same
// rights as writing on the record itself (partners/policy.ts, agreements, meetings, progress checks).
import type { Types } from 'mongoose';
import { forbidden, notFound } from '../http/errors.js';
import { formalKinds } from '../agreements/constants.js';
import { agreementById } from '../agreements/lookups.js';
import { canEditAgreement, versionsOf } from '../agreements/service.js';
import { canEditMeeting, getMeeting } from '../meetings/service.js';
import { mayWritePartner } from '../partners/policy.js';
import { getPartner } from '../partners/service.js';
import { agreementForCheck, getCheck } from '../progress/service.js';
import type { SessionUser } from '../users/service.js';
import { recordKinds, type RecordKind } from './model.js';

export type Actor = SessionUser;

export interface UploadTarget {
  kind: RecordKind;
  id: Types.ObjectId;
  occurrence: string;
  /** The record's page, where the panel is. */
  path: string;
  /** For an agreement: its current revision (a signed copy names one). */
  rev: number | null;
}

export const isRecordKind = (k: string): k is RecordKind => (recordKinds as readonly string[]).includes(k);

export const recordPath = (kind: RecordKind, id: Types.ObjectId | string): string =>
  ({ partner: '/partners', agreement: '/agreements', meeting: '/meetings', check: '/progress' })[kind] + `/${String(id)}`;

/** Whether `actor` may write on the record; 404 when it does not exist. */
export async function mayWriteRecord(
  actor: Actor,
  kind: RecordKind,
  id: Types.ObjectId,
): Promise<{ allowed: boolean; rev: number | null; needsSignedCopy?: boolean }> {
  switch (kind) {
    case 'partner': {
      const p = await getPartner(id);
      if (!p) throw notFound();
      return { allowed: mayWritePartner(actor, p), rev: null };
    }
    case 'agreement': {
      const a = await agreementById(id);
      if (!a) throw notFound();
      // An active formal agreement (a contract) should have its signed copy on file.
      const needsSignedCopy = a.status === 'active' && formalKinds.includes(a.kind);
      return { allowed: canEditAgreement(actor, a), rev: a.rev ?? 0, needsSignedCopy };
    }
    case 'meeting': {
      const m = await getMeeting(id);
      if (!m) throw notFound();
      return { allowed: await canEditMeeting(actor, m), rev: null };
    }
    case 'check': {
      const c = await getCheck(id);
      if (!c) throw notFound();
      return { allowed: (await agreementForCheck(actor, c.agreementId)).canWrite, rev: null };
    }
  }
}

/** The record, when `actor` may attach a document to it: 404 when missing, 403 when not theirs. */
export async function writableTarget(actor: Actor, kind: RecordKind, id: Types.ObjectId): Promise<UploadTarget> {
  const { allowed, rev } = await mayWriteRecord(actor, kind, id);
  if (!allowed) throw forbidden();
  return { kind, id, occurrence: '', path: recordPath(kind, id), rev };
}

/** The revisions of an agreement a signed copy may name: the current one and each earlier version's. */
export async function revisionsOf(agreementId: Types.ObjectId, current: number | null): Promise<number[]> {
  const versions = await versionsOf(agreementId);
  return [...new Set([...(current === null ? [] : [current]), ...versions.map((v) => v.rev)])].sort((a, b) => b - a);
}
