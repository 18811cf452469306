// Script, attribute and URL payloads stored in every free-text field render inert on every page and
// email that shows them. The records are written straight to the database (as if a validation were
// ever missed, or an import let them through), so the test is about output escaping, not input rules.
import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';
import { createUser, csrfFrom, makeApp, postForm, signIn, type Agent, type TestUser } from '../../helpers/app.js';
import { clearDatabase } from '../../helpers/db.js';
import { getTestSmtp } from '../../helpers/smtp.js';
import { AgreementModel } from '../../../src/agreements/model.js';
import { rowBlocks } from '../../../src/dashboard/service.js';
import { DevMailModel } from '../../../src/mail/dev-mail.model.js';
import { renderEmail } from '../../../src/mail/render.js';
import { MeetingModel } from '../../../src/meetings/model.js';
import { InteractionModel } from '../../../src/partners/interactions.model.js';
import { PartnerModel, StageChangeModel } from '../../../src/partners/model.js';
import { derivedFields } from '../../../src/partners/service.js';
import { ProgressCheckModel } from '../../../src/progress/model.js';
import { FollowUpRequestModel } from '../../../src/reminders/followup-response.model.js';
import { expIn, signLink } from '../../../src/reminders/links.js';
import { OutboxModel } from '../../../src/reminders/outbox.model.js';
import { reminderTick } from '../../../src/reminders/jobs.js';
import { TaskModel } from '../../../src/tasks/model.js';

const SCRIPT = '<script>alert(1)</script>';
const ATTR = '"><img src=x onerror=alert(1)>';
const URL_PAYLOAD = 'javascript:alert(1)';
/** One payload for text fields: closes an attribute, opens a tag, runs a script. */
const X = (field: string) => `${field} ${SCRIPT}${ATTR}`;

/** The page shows the payload (escaped) and nothing of it is live markup or a javascript: link. */
function assertInert(label: string, html: string, mustShow = true): void {
  expect(html, `${label}: raw <script> payload`).to.not.include(SCRIPT);
  expect(html.toLowerCase(), `${label}: raw <img onerror> payload`).to.not.include('<img src=x');
  expect(html, `${label}: attribute break-out`).to.not.include(ATTR);
  expect(html.toLowerCase(), `${label}: javascript: URL in an attribute`).to.not.match(
    /(href|src|action|formaction)\s*=\s*["']?\s*javascript:/,
  );
  if (mustShow) expect(html, `${label}: the payload is shown, escaped`).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
}

describe('security: stored payloads render inert', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  let ids: { partner: string; agreement: string; meeting: string; contact: string };
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
    pro = await createUser({ role: 'professional', locale: 'en', name: X('user name') });
    agent = await signIn(app, pro);
    const base = {
      name: X('partner'),
      website: URL_PAYLOAD,
      contacts: [{ name: X('contact'), role: X('role'), email: 'lea@example.org', phone: '<b>1</b>', primary: true, emailConsent: true }],
      resources: [{ category: 'material' as const, description: X('resource') }],
    };
    const partner = await PartnerModel.create({
      ...base,
      ...derivedFields(base),
      type: 'community',
      ownerId: pro._id,
      stage: 'active',
      sector: X('sector'),
      region: X('region'),
      address: X('address'),
      description: X('description'),
      tags: [X('tag')],
      exploration: {
        interestHow: X('how'),
        sharedGoals: X('goals'),
        collaboration: X('collab'),
        requirements: { reporting: X('reporting') },
      },
    });
    await InteractionModel.create({
      partnerId: partner._id,
      kind: 'call',
      date: new Date(),
      summary: X('interaction'),
      byId: pro._id,
      byName: pro.name,
    });
    await StageChangeModel.create({
      partnerId: partner._id,
      from: 'identified',
      to: 'active',
      byId: pro._id,
      byName: pro.name,
      reason: X('reason'),
    });
    const end = new Date(Date.now() + 30 * 86400_000);
    const agreement = await AgreementModel.create({
      title: X('agreement'),
      partnerIds: [partner._id],
      ownerId: pro._id,
      status: 'active',
      startDate: new Date(Date.now() - 200 * 86400_000),
      endDate: end,
      renewalNoticeDays: 60,
      purpose: X('purpose'),
      governance: {
        type: 'steering_committee',
        decisionProcess: X('decision'),
        roles: [{ partyPartnerId: partner._id, responsibilities: X('responsibilities') }],
      },
      objectives: [{ text: X('objective') }],
      resources: [{ what: X('what'), providerPartnerId: partner._id, forWhom: X('for whom') }],
      funding: { total: 1000, contributions: [{ partyPartnerId: partner._id, kind: 'cash', value: 1000, description: X('contribution') }] },
      communication: {
        channels: [X('channel')],
        frequency: X('frequency'),
        language: 'fr',
        contactPoints: [{ partyPartnerId: partner._id, name: X('cp'), email: 'a@b.org' }],
      },
      kpis: [
        {
          name: X('kpi'),
          description: X('kpi description'),
          dataSource: X('source'),
          baseline: 0,
          target: 10,
          latestValue: 3,
          status: 'at_risk',
        },
      ],
      followUp: { checkFrequency: 'quarterly', reportingDuties: X('duties'), nextCheckDue: new Date(Date.now() - 10 * 86400_000) },
      signatories: [{ name: X('signatory'), organization: X('organization'), signedAt: new Date() }],
    });
    const start = new Date(Date.now() + 86400_000);
    const meeting = await MeetingModel.create({
      title: X('meeting'),
      partnerId: partner._id,
      agreementId: agreement._id,
      ownerId: pro._id,
      start,
      end: new Date(start.getTime() + 3600_000),
      zone: 'America/Toronto',
      location: X('location'),
      videoUrl: URL_PAYLOAD,
      agenda: X('agenda'),
      minutes: X('minutes'),
      decisions: X('decisions'),
      attendeeUserIds: [pro._id],
      attendees: [{ userId: pro._id, name: pro.name }],
    });
    await TaskModel.create({
      title: X('task'),
      ownerId: pro._id,
      partnerId: partner._id,
      meetingId: meeting._id,
      dueDate: new Date(Date.now() - 86400_000),
    });
    await ProgressCheckModel.create({
      agreementId: agreement._id,
      partnerIds: [partner._id],
      periodStart: new Date(Date.now() - 90 * 86400_000),
      periodEnd: new Date(),
      status: 'at_risk',
      progress: X('progress'),
      challenges: X('challenges'),
      supportNeeded: X('support'),
      health: { trust: 3, communication: 3, sharedGoals: 3, roles: 3, mutualBenefit: 3 },
      healthScore: 15,
      recordedByName: pro.name,
    });
    ids = {
      partner: String(partner._id),
      agreement: String(agreement._id),
      meeting: String(meeting._id),
      contact: String(partner.contacts[0]!._id),
    };
  });

  it('partner pages: list, record (contacts, website, resources, exploration, interactions, timeline, tasks), edit form, board, resources', async () => {
    const pages = [
      '/partners',
      `/partners?q=${encodeURIComponent('partner')}`,
      `/partners/${ids.partner}`,
      `/partners/${ids.partner}/edit`,
      '/partners/board',
      '/resources',
    ];
    for (const p of pages) {
      const res = await agent.get(p);
      expect(res.status, p).to.equal(200);
      assertInert(p, res.text);
    }
    const show = (await agent.get(`/partners/${ids.partner}`)).text;
    for (const f of ['partner', 'contact', 'role', 'description', 'resource', 'interaction', 'reason', 'task', 'goals'])
      expect(show, f).to.include(`${f} &lt;script&gt;`);
    expect(show).to.include(URL_PAYLOAD); // shown as text, not as a link
  });

  it('agreement pages: list, record (all eight elements, KPIs, signatories), print, each element form, health, share, CSV-free views', async () => {
    const pages = [
      '/agreements',
      `/agreements/${ids.agreement}`,
      `/agreements/${ids.agreement}/print`,
      `/agreements/${ids.agreement}/health`,
      `/agreements/${ids.agreement}/share`,
      `/agreements/${ids.agreement}/progress/new`,
      ...['basics', 'purpose', 'governance', 'objectives', 'resources', 'funding', 'communication', 'kpis', 'followUp'].map(
        (e) => `/agreements/${ids.agreement}/edit/${e}`,
      ),
    ];
    for (const p of pages) {
      const res = await agent.get(p);
      expect(res.status, p).to.equal(200);
      assertInert(p, res.text);
    }
    const show = (await agent.get(`/agreements/${ids.agreement}`)).text;
    for (const f of ['agreement', 'purpose', 'decision', 'objective', 'what', 'contribution', 'frequency', 'kpi', 'duties', 'signatory'])
      expect(show, f).to.include(`${f} &lt;script&gt;`);
    const check = await ProgressCheckModel.findOne().lean();
    assertInert('progress check', (await agent.get(`/progress/${String(check!._id)}`)).text);
  });

  it('meetings, tasks, home, dashboard (figures, rows, report) and the profile', async () => {
    const pages = [
      '/meetings?scope=all',
      `/meetings/${ids.meeting}`,
      '/meetings/calendar?scope=all&month=' + new Date(Date.now() + 86400_000).toISOString().slice(0, 7),
      `/meetings/new?partnerId=${ids.partner}&agreementId=${ids.agreement}`,
      '/tasks',
      '/',
      '/dashboard?owner=all',
      '/dashboard/report?owner=all',
    ];
    for (const p of pages) {
      const res = await agent.get(p);
      expect(res.status, p).to.equal(200);
      assertInert(p, res.text);
    }
    const meeting = (await agent.get(`/meetings/${ids.meeting}`)).text;
    for (const f of ['meeting', 'agenda', 'minutes', 'decisions', 'location', 'task']) expect(meeting, f).to.include(`${f} &lt;script&gt;`);
    // Every drill-down table of the dashboard.
    for (const b of rowBlocks) {
      const res = await agent.get(`/dashboard/rows/${b}?owner=all`);
      expect(res.status, b).to.equal(200);
      assertInert(`/dashboard/rows/${b}`, res.text, false);
    }
    assertInert('profile', (await agent.get('/profile')).text, false);
  });

  it('pages seen without an account: shared measurement and the partner’s follow-up form', async () => {
    const share = await postForm(agent, `/agreements/${ids.agreement}/share`, {}, `/agreements/${ids.agreement}/share`);
    const token = /\/shared\/([\w-]+)/.exec(share.text)![1]!;
    const shared = await supertest(app).get(`/shared/${token}`);
    expect(shared.status).to.equal(200);
    assertInert('shared', shared.text);
    const a = await AgreementModel.findById(ids.agreement).lean();
    const requestId = `${ids.agreement}.2026-01-01.${ids.contact}`;
    await FollowUpRequestModel.create({
      _id: requestId,
      agreementId: a!._id,
      partnerId: a!.partnerIds[0],
      contactId: ids.contact,
      dueAt: new Date(),
      expiresAt: new Date(Date.now() + 86400_000),
      kpiIds: [a!.kpis[0]!._id],
      createdAt: new Date(),
    });
    const link = signLink({ purpose: 'followup', contactId: ids.contact, requestId, exp: expIn(new Date(), 1) });
    const anon = supertest.agent(app);
    const form = await anon.get(`/p/followup/${link}`);
    expect(form.status).to.equal(200);
    assertInert('follow-up form', form.text);
    // The partner's own answer comes back on the owner's pages escaped as well.
    const _csrf = await csrfFrom(anon, `/p/followup/${link}`);
    const answered = await anon
      .post(`/p/followup/${link}`)
      .type('form')
      .send({
        _csrf,
        progress: X('answer'),
        challenges: X('answer challenges'),
        health_trust: '4',
        health_communication: '4',
        health_sharedGoals: '4',
        health_roles: '4',
        health_mutualBenefit: '4',
      });
    expect(answered.status).to.equal(200);
    assertInert('follow-up done', answered.text);
    const health = (await agent.get(`/agreements/${ids.agreement}/health`)).text;
    assertInert('health after answer', health);
  });

  it('URL fields: javascript: is refused by the forms, and never becomes a link even if stored', async () => {
    const res = await postForm(
      agent,
      `/partners/${ids.partner}`,
      { name: 'P', type: 'community', ownerId: String(pro._id), website: URL_PAYLOAD },
      `/partners/${ids.partner}/edit`,
    );
    expect(res.status).to.equal(422);
    expect((await PartnerModel.findById(ids.partner).lean())!.website).to.equal(URL_PAYLOAD); // unchanged (the stored one)
    const occ = await postForm(
      agent,
      `/meetings/${ids.meeting}/occurrence`,
      { title: 'M', date: '2030-01-01', time: '09:00', durationMinutes: '60', videoUrl: URL_PAYLOAD, scope: 'one' },
      `/meetings/${ids.meeting}`,
    );
    expect(occ.status).to.equal(422);
    for (const p of [`/partners/${ids.partner}`, `/meetings/${ids.meeting}`]) {
      const html = (await agent.get(p)).text;
      expect(html, p).to.include(URL_PAYLOAD);
      expect(html.toLowerCase(), p).to.not.match(/href\s*=\s*["']?\s*javascript:/);
    }
  });

  it('emails: every template renders data as text (greeting, bodies, digest rows), in both languages', async () => {
    const data = {
      name: X('name'),
      title: X('title'),
      partner: X('partner'),
      contact: X('contact'),
      owner: X('owner'),
      inviter: X('inviter'),
      due: X('due'),
      end: X('end'),
      since: X('since'),
      when: X('when'),
      asked: X('asked'),
      amount: X('amount'),
      days: 30,
      score: 20,
      link: 'https://passerelle.test/x',
      optOutUrl: 'https://passerelle.test/p/optout/x',
      kpis: [{ agreement: X('digest agreement'), kpi: X('digest kpi'), status: 'at_risk' }],
      tasks: [{ title: X('digest task'), due: X('digest due') }],
      ending: [{ title: X('digest ending'), end: X('digest end') }],
      quiet: [{ name: X('digest quiet'), since: X('digest since') }],
    };
    const templates = [
      'agreement_renewal',
      'check_overdue',
      'followup_owner',
      'followup_request',
      'followup_response',
      'installment_due',
      'invite',
      'quiet_partnership',
      'reset',
      'task_overdue',
      'weekly_digest',
    ];
    for (const locale of ['fr', 'en'] as const) {
      for (const tpl of templates) {
        const mail = await renderEmail(tpl, locale, data);
        assertInert(`${tpl} (${locale})`, mail.html);
      }
    }
  });

  it('emails really sent by the reminders (task, renewal, overdue check) carry the stored payloads escaped', async () => {
    await reminderTick(new Date());
    const sent = await OutboxModel.find({ to: pro.email }).lean();
    expect(sent.map((m) => m.kind)).to.include.members(['task_overdue', 'agreement_renewal']);
    for (const m of sent) assertInert(`outbox ${m.kind}`, String(m.html));
    const smtp = getTestSmtp().messages.filter((m) => m.to.includes(pro.email));
    for (const m of smtp) assertInert(`smtp ${m.subject}`, m.html ?? '', false);
  });

  it('the development outbox shows subjects and text escaped, and serves a mail’s HTML only in a sandbox', async () => {
    const mail = await renderEmail('task_overdue', 'en', {
      name: X('name'),
      title: X('title'),
      due: 'today',
      link: 'https://passerelle.test/tasks',
    });
    const row = await DevMailModel.create({
      messageId: '<x@passerelle.test>',
      from: 'app@passerelle.test',
      to: [X('to')],
      subject: X('subject'),
      html: mail.html,
      text: X('text body'),
    });
    const admin = await signIn(app, await createUser({ role: 'admin' }));
    for (const p of ['/admin/dev-mail', `/admin/dev-mail/${String(row._id)}`]) {
      const res = await admin.get(p);
      expect(res.status, p).to.equal(200);
      assertInert(p, res.text);
    }
    const html = await admin.get(`/admin/dev-mail/${String(row._id)}/html`);
    assertInert('dev mail html', html.text);
    expect(String(html.headers['content-security-policy'])).to.include('sandbox').and.include("default-src 'none'");
  });
});
