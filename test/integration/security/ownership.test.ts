import { DocumentModel } from '../../../src/documents/model.js';
import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { type Types } from 'mongoose';
import { createUser, csrfFrom, makeApp, signIn, type Agent, type TestUser } from '../../helpers/app.js';
import { clearDatabase, databaseSnapshot } from '../../helpers/db.js';
import { fullAgreement } from '../../helpers/agreements.js';
import { fillPath, listRoutes } from '../../helpers/routes.js';
import { resetDirectories } from '../../../src/db/directory.js';
import { PartnerModel } from '../../../src/partners/model.js';
import { MeetingModel } from '../../../src/meetings/model.js';
import { TaskModel } from '../../../src/tasks/model.js';
import { TaskTemplateModel } from '../../../src/tasks/templates.model.js';
import { ShareLinkModel } from '../../../src/dashboard/share.js';
import { agreementRecords } from '../../helpers/ownership-records.js';
import { foldText } from '../../../src/util/text.js';

// Every write route, tried by a second professional on records a first one owns: the database stays
// as it was, side effects included (stage moves and their records, mail queued, audit entries). The
// same request from an administrator does change it, so a refusal here is the permission, not a
// body the route would have refused anyway.

/** Empties everything but the users, their sessions and the settings: the agents stay signed in. */
async function clearRecords() {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  await Promise.all(names.filter((n) => !['users', 'sessions', 'settings'].includes(n)).map((n) => db.collection(n).deleteMany({})));
  resetDirectories();
}

interface Fixture {
  document: Types.ObjectId;
  partner: Types.ObjectId;
  contact: Types.ObjectId;
  resource: Types.ObjectId;
  agreement: Types.ObjectId;
  /** Active, with an amendment in preparation. */
  amended: Types.ObjectId;
  kpi: Types.ObjectId;
  meeting: Types.ObjectId;
  task: Types.ObjectId;
  template: Types.ObjectId;
  link: Types.ObjectId;
  blocker: Types.ObjectId;
  ended: Types.ObjectId;
  /** The draft's review: a link sent to the contact, and the contact's open comment. */
  invitation: string;
  note: string;
}

/** A's partner (with a contact who accepts email), an agreement on it, a meeting with the contact, a task. */
async function records(a: TestUser): Promise<Fixture> {
  const p = await PartnerModel.create({
    name: 'Centre Owned',
    nameFolded: foldText('Centre Owned'),
    searchFolded: foldText('Centre Owned'),
    type: 'community',
    ownerId: a._id,
    stage: 'exploring',
    contacts: [{ name: 'Rita Contact', email: 'rita@partner.test', emailConsent: true, primary: true }],
    resources: [{ category: 'material', description: 'Rooms' }],
  });
  const agreement = await fullAgreement(a, [p._id], { kind: 'memorandum' });
  const amended = await fullAgreement(a, [p._id], {
    status: 'active',
    amendment: {
      status: 'draft',
      changes: { purpose: { purpose: 'Wider' } },
      elements: ['purpose'],
      authorIds: [a._id],
      startedAt: new Date(),
    },
  });
  const start = new Date(Date.now() + 7 * 86400_000);
  const contact = p.contacts[0]!;
  const meeting = await MeetingModel.create({
    kind: 'planning',
    title: 'Owned meeting',
    partnerId: p._id,
    agreementId: agreement._id,
    ownerId: a._id,
    start,
    end: new Date(start.getTime() + 3600_000),
    durationMinutes: 60,
    zone: 'America/Toronto',
    attendees: [{ contactId: contact._id, name: contact.name, email: contact.email, response: 'none' }],
    createdBy: a._id,
  });
  const task = await TaskModel.create({ title: 'Owned task', ownerId: a._id, partnerId: p._id, source: 'manual', createdBy: a._id });
  const template = await TaskTemplateModel.create({ name: 'Plan', items: [{ title: 'Call', offsetDays: 3 }] });
  const link = await ShareLinkModel.create({
    agreementId: agreement._id,
    tokenHash: 'x'.repeat(64),
    createdBy: a._id,
    createdByName: a.name,
  });
  const document = await DocumentModel.create({
    recordKind: 'agreement',
    recordId: agreement._id,
    name: 'signed.pdf',
    status: 'complete',
    uploadedById: a._id,
    uploadedByName: a.name,
  });
  const { blocker, ended } = await agreementRecords(a, agreement._id, p._id, contact);
  return {
    invitation: 'inv1',
    note: 'note1',
    document: document._id,
    partner: p._id,
    contact: contact._id,
    resource: p.resources[0]!._id,
    agreement: agreement._id,
    amended: amended._id,
    kpi: agreement.kpis[0]!._id,
    meeting: meeting._id,
    task: task._id,
    template: template._id,
    link: link._id,
    blocker,
    ended,
  };
}

const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);

/** Each member write route: the ids it is called with and a body that is valid for it. */
function requests(f: Fixture, a: TestUser): Record<string, { params: Record<string, string>; body: Record<string, string> }> {
  const partner = { id: String(f.partner) };
  const agreement = { id: String(f.agreement) };
  const meeting = { id: String(f.meeting) };
  const basics = {
    title: 'Side door',
    leadPartnerId: String(f.partner),
    kind: 'memorandum',
    language: 'en',
    ownerId: String(a._id),
    startDate: '',
    endDate: '',
    renewalNoticeDays: '60',
    rev: '0',
  };
  const health = Object.fromEntries(['trust', 'communication', 'sharedGoals', 'roles', 'mutualBenefit'].map((d) => [`health_${d}`, '4']));
  return {
    'POST /partners/:id': {
      params: partner,
      body: { name: 'Hijacked', type: 'community', ownerId: String(a._id), rev: '0' },
    },
    'POST /partners/:id/stage': { params: partner, body: { stage: 'closed', reason: 'Taken over' } },
    'POST /partners/:id/exploration': { params: partner, body: { interestConfirmedAt: '', sharedGoals: 'Overwritten', rev: '0' } },
    'POST /partners/:id/resources': { params: partner, body: { category: 'material', description: 'A hall' } },
    'POST /partners/:id/resources/:resourceId/remove': { params: { ...partner, resourceId: String(f.resource) }, body: {} },
    'POST /partners/:id/interactions': { params: partner, body: { kind: 'call', date: day(-1), summary: 'Called them' } },
    'POST /partners/:id/archive': { params: partner, body: {} },
    'POST /partners/:id/restore': { params: partner, body: {} },
    'POST /partners/:id/contacts': { params: partner, body: { name: 'New Contact', email: 'new@partner.test' } },
    'POST /partners/:id/contacts/:contactId': {
      params: { ...partner, contactId: String(f.contact) },
      body: { name: 'Rita Renamed', email: 'rita@partner.test', rev: '0' },
    },
    'POST /partners/:id/contacts/:contactId/remove': { params: { ...partner, contactId: String(f.contact) }, body: {} },
    'POST /partners/:id/apply-template': { params: partner, body: { templateId: String(f.template) } },
    'POST /tasks': { params: {}, body: { title: 'On their partner', ownerId: String(a._id), partnerId: String(f.partner), dueDate: '' } },
    'POST /tasks/:id/status': { params: { id: String(f.task) }, body: { status: 'done' } },
    'POST /agreements': { params: {}, body: basics },
    'POST /agreements/:id/edit/:element': { params: { ...agreement, element: 'purpose' }, body: { rev: '0', purpose: 'Rewritten' } },
    'POST /agreements/:id/transition': { params: agreement, body: { action: 'submit' } },
    'POST /agreements/:id/amendment': { params: { id: String(f.amended) }, body: { action: 'withdraw' } },
    'POST /agreements/:id/kpis/:kpiId/measurements': {
      params: { ...agreement, kpiId: String(f.kpi) },
      body: { value: '12', periodStart: day(-30), periodEnd: day(-1), comment: '' },
    },
    'POST /agreements/:id/progress': {
      params: agreement,
      body: { periodStart: day(-30), periodEnd: day(-1), status: 'on_track', progress: 'Fine', ...health },
    },
    'POST /agreements/:id/share': { params: agreement, body: {} },
    'POST /agreements/:id/reviews': { params: agreement, body: { contactIds: String(f.contact) } },
    'POST /agreements/:id/reviews/:invitation/revoke': { params: { ...agreement, invitation: f.invitation }, body: {} },
    'POST /agreements/:id/reviews/notes/:note': { params: { ...agreement, note: f.note }, body: { decision: 'resolve', rev: '0' } },
    'POST /agreements/:id/blockers': { params: agreement, body: { what: 'Not theirs to raise' } },
    'POST /agreements/:id/blockers/:blocker/resolve': { params: { ...agreement, blocker: String(f.blocker) }, body: { resolution: 'x' } },
    'POST /agreements/:id/blockers/:blocker/share': { params: { ...agreement, blocker: String(f.blocker) }, body: { shared: 'on' } },
    'POST /agreements/:id/retrospective': { params: { id: String(f.ended) }, body: { worked: 'x', partnerAgain: 'yes', why: 'x' } },
    'POST /agreements/:id/share/:linkId/revoke': { params: { ...agreement, linkId: String(f.link) }, body: {} },
    'POST /meetings': {
      params: {},
      body: {
        kind: 'planning',
        title: 'Mails their contact',
        partnerId: String(f.partner),
        date: day(10),
        time: '10:00',
        durationMinutes: '60',
        zone: 'America/Toronto',
        cadence: 'none',
        [`contact_${String(f.contact)}`]: 'on',
      },
    },
    'POST /meetings/:id/minutes': { params: meeting, body: { agenda: 'A', minutes: 'Overwritten', decisions: '', rev: '0' } },
    'POST /meetings/:id/action-items': { params: meeting, body: { itemTitle: 'Do it', itemOwnerId: String(a._id), itemDueDate: '' } },
    'POST /meetings/:id/occurrence': {
      params: meeting,
      body: { title: 'Moved', date: day(12), time: '11:00', durationMinutes: '30', location: '', videoUrl: '', scope: 'one', rev: '0' },
    },
    'POST /meetings/:id/cancel': { params: meeting, body: {} },
    'POST /documents/:id/archive': { params: { id: String(f.document) }, body: {} },
    'POST /documents/:id/share': { params: { id: String(f.document) }, body: { shared: 'on' } },
  };
}

// Routes the loop does not try, and why (a route added later fails the first test until it is placed).
const elsewhere: Record<string, string> = {
  'POST /partners/:id/delete': 'administrators only, and only archived partners (partners and partner-deletion tests)',
  'POST /partners': 'creates a partner of ones own',
  'POST /partners/import': 'an import belongs to the user who uploaded it',
  'POST /partners/import/:id/mapping': 'the uploader only (partner-import tests)',
  'POST /partners/import/:id/run': 'the uploader only (partner-import tests)',
  'POST /followup-requests/:id/revoke': 'the agreement team or a manager (reminders tests)',
  'POST /profile': 'ones own profile',
  'POST /profile/password': 'ones own profile',
  'POST /profile/sessions/end': 'ones own sessions',
  'POST /calendar/feed': 'ones own feed',
  'POST /calendar/feed/revoke': 'ones own feed',
  'POST /readiness': 'managers only (role guard, readiness tests)',
  'POST /profile/language': 'ones own language',
  'POST /documents/:kind/:recordId': 'a multipart upload: another professional is refused before a byte is stored (documents tests)',
};
const roleGuarded = /^POST \/admin\//;

describe('security: a professional writing on records another one owns', function () {
  this.timeout(300_000);
  let app: Express;
  let owner: TestUser;
  let other: Agent;
  let admin: Agent;
  let memberWrites: string[];

  before(async () => {
    app = await makeApp();
    await clearDatabase();
    owner = await createUser({ role: 'professional', locale: 'en' });
    other = await signIn(app, await createUser({ role: 'professional', locale: 'en' }));
    admin = await signIn(app, await createUser({ role: 'admin', locale: 'en' }));
    memberWrites = listRoutes(app)
      .filter((r) => !r.public && r.method === 'POST')
      .map((r) => `${r.method} ${r.path}`);
  });

  it('every member write route is either tried below or placed elsewhere with a reason', async () => {
    await clearRecords();
    const tried = Object.keys(requests(await records(owner), owner));
    const unplaced = memberWrites.filter((r) => !tried.includes(r) && !(r in elsewhere) && !roleGuarded.test(r));
    expect(unplaced).to.deep.equal([]);
  });

  it('each one changes nothing at all, side effects included, while the same request from an administrator does', async () => {
    const leaks: string[] = [];
    const inert: string[] = [];
    await clearRecords();
    for (const route of Object.keys(requests(await records(owner), owner))) {
      for (const [who, agent] of [
        ['other', other],
        ['admin', admin],
      ] as const) {
        await clearRecords();
        const f = await records(owner);
        const { params, body } = requests(f, owner)[route]!;
        const url = fillPath(route.slice('POST '.length), (name) => params[name]!);
        const _csrf = await csrfFrom(agent, '/profile');
        const before = await databaseSnapshot('contents');
        const res = await agent
          .post(url)
          .type('form')
          .send({ ...body, _csrf });
        const changed = (await databaseSnapshot('contents')) !== before;
        if (who === 'other' && changed) leaks.push(`${route} → ${res.status}`);
        if (who === 'admin' && !changed) inert.push(`${route} → ${res.status} ${res.headers.location ?? ''}`);
      }
    }
    expect(leaks, 'changed by a professional who does not own the records').to.deep.equal([]);
    expect(inert, 'bodies that change nothing even for an administrator (the test would prove nothing)').to.deep.equal([]);
  });
});
