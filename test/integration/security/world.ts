// Shared fixture of the security suite: a few users and one record of each kind, a way to fill a
// route's params with real (or unknown, or malformed) ids, and a snapshot of the whole database to
// prove that a refused request changed nothing.
import mongoose, { Types } from 'mongoose';
import supertest from 'supertest';
import type { Express } from 'express';
import { createUser, csrfFrom, signIn, type Agent, type TestUser } from '../../helpers/app.js';
import { fillPath, isIdParam, type RouteInfo } from '../../helpers/routes.js';
import { AgreementModel } from '../../../src/agreements/model.js';
import { MeetingModel } from '../../../src/meetings/model.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { derivedFields } from '../../../src/partners/service.js';
import { TaskModel } from '../../../src/tasks/model.js';
import { TaskTemplateModel } from '../../../src/tasks/templates.model.js';
import { FollowUpRequestModel } from '../../../src/reminders/followup-response.model.js';

export const UNKNOWN_ID = '0123456789abcdef01234567';
/** Malformed ids: too short, not hex, an operator-looking text, a number, dots. */
export const MALFORMED_IDS = ['not-an-id', '123', '{"$gt":""}', 'zzzzzzzzzzzzzzzzzzzzzzzz', '..'];

/** Sample values for params that are not record ids (so the route gets past its own checks). */
const sampleValues: Record<string, string> = { element: 'basics', block: 'stage', token: 'x' };
export const sampleFor = (name: string): string => sampleValues[name] ?? 'x';

export interface World {
  admin: TestUser;
  pro: TestUser;
  other: TestUser;
  partnerId: string;
  contactId: string;
  resourceId: string;
  agreementId: string;
  kpiId: string;
  meetingId: string;
  taskId: string;
  templateId: string;
  followUpRequestId: string;
}

export async function seedWorld(): Promise<World> {
  const admin = await createUser({ role: 'admin', locale: 'en' });
  const pro = await createUser({ role: 'professional', locale: 'en' });
  const other = await createUser({ role: 'professional', locale: 'en' });
  const base = {
    name: 'Centre Horizon',
    website: '',
    contacts: [{ name: 'Léa Tremblay', email: 'lea@example.org', primary: true }],
    resources: [{ category: 'material' as const, description: 'Salle' }],
  };
  const partner = await PartnerModel.create({ ...base, ...derivedFields(base), type: 'community', ownerId: pro._id });
  const agreement = await AgreementModel.create({
    title: 'Entente Horizon',
    partnerIds: [partner._id],
    ownerId: pro._id,
    status: 'draft',
    kpis: [{ name: 'Participants', baseline: 0, target: 10, direction: 'increase' }],
  });
  const start = new Date(Date.now() + 7 * 86400_000);
  const meeting = await MeetingModel.create({
    title: 'Rencontre',
    partnerId: partner._id,
    ownerId: pro._id,
    start,
    end: new Date(start.getTime() + 3600_000),
    zone: 'America/Toronto',
  });
  const task = await TaskModel.create({ title: 'Appeler', ownerId: pro._id, partnerId: partner._id });
  const template = await TaskTemplateModel.create({ name: 'Plan', items: [{ title: 'Étape', offsetDays: 1 }] });
  const followUpRequestId = `${String(agreement._id)}.2026-01-01.${String(partner.contacts[0]!._id)}`;
  await FollowUpRequestModel.create({
    _id: followUpRequestId,
    agreementId: agreement._id,
    partnerId: partner._id,
    contactId: partner.contacts[0]!._id,
    dueAt: new Date(),
    expiresAt: new Date(Date.now() + 10 * 86400_000),
    createdAt: new Date(),
  });
  return {
    admin,
    pro,
    other,
    partnerId: String(partner._id),
    contactId: String(partner.contacts[0]!._id),
    resourceId: String(partner.resources[0]!._id),
    agreementId: String(agreement._id),
    kpiId: String(agreement.kpis[0]!._id),
    meetingId: String(meeting._id),
    taskId: String(task._id),
    templateId: String(template._id),
    followUpRequestId,
  };
}

/** A real id for a param when the path says what it names (by its first segments); else an unknown one. */
export function realIdFor(w: World, path: string, param: string): string {
  const byParam: Record<string, string> = { contactId: w.contactId, resourceId: w.resourceId, kpiId: w.kpiId };
  if (byParam[param]) return byParam[param];
  if (param !== 'id') return UNKNOWN_ID;
  const prefixes: [string, string][] = [
    ['/admin/task-templates/', w.templateId],
    ['/admin/users/', String(w.other._id)],
    ['/partners/import/', UNKNOWN_ID],
    ['/partners/', w.partnerId],
    ['/agreements/', w.agreementId],
    ['/meetings/', w.meetingId],
    ['/tasks/', w.taskId],
    ['/followup-requests/', w.followUpRequestId],
  ];
  return prefixes.find(([p]) => path.startsWith(p))?.[1] ?? UNKNOWN_ID;
}

/** The route's path with real ids where known, sample values for other params. */
export const realPath = (w: World, r: RouteInfo): string =>
  fillPath(r.path, (name) => (isIdParam(name) ? realIdFor(w, r.path, name) : sampleFor(name)));

/** Every document of every collection except sessions, as one comparable text. */
export async function snapshot(): Promise<string> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => n !== 'sessions')
    .sort();
  const parts: string[] = [];
  for (const name of names) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    parts.push(`${name}: ${JSON.stringify(docs)}`);
  }
  return parts.join('\n');
}

/** Sends a request for a route with the given method; a body (form) for anything but GET/HEAD. */
export function send(
  agent: Agent | supertest.Agent,
  method: string,
  url: string,
  fields: Record<string, string> | null,
  accept = 'text/html',
) {
  const m = (method === 'ALL' ? 'post' : method.toLowerCase()) as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const req = agent[m](url).set('Accept', accept);
  return m === 'get' ? req : req.type('form').send(fields ?? {});
}

/** A signed-in agent that is still signed in (signs in again if a route, say /logout, ended the session). */
export async function stillSignedIn(app: Express, agent: Agent, user: TestUser): Promise<Agent> {
  const res = await agent.get('/profile');
  return res.status === 200 ? agent : signIn(app, user);
}

export const tokenOf = (agent: Agent, from = '/profile') => csrfFrom(agent, from);

export { Types };
