// When the next progress check of an agreement is due, and what follows from it: one rule (check
// frequency, start date, last recorded check), recomputed on approval, on edits and after a check.
import { expect } from 'chai';
import type { Express } from 'express';
import { DateTime } from 'luxon';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { getTestSmtp, type ReceivedMail } from '../helpers/smtp.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { reminderTick } from '../../src/reminders/jobs.js';
import { checkDue } from '../../src/progress/schedule.js';
import type { CheckFrequency } from '../../src/agreements/constants.js';

const received = (to: string): ReceivedMail[] => getTestSmtp().messages.filter((m) => m.to.includes(to));
const subjects = (to: string): string[] => received(to).map((m) => m.subject);

describe('progress checks due: one rule from frequency, start and last check', () => {
  let app: Express;
  let owner: TestUser;
  let manager: TestUser;
  let ownerAgent: Agent;
  let managerAgent: Agent;
  let partnerId: string;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    getTestSmtp().clear();
    owner = await createUser({ role: 'professional', locale: 'en', name: 'Olivia Owner' });
    manager = await createUser({ role: 'manager', locale: 'en', name: 'Max Manager' });
    ownerAgent = await signIn(app, owner);
    managerAgent = await signIn(app, manager);
    const p = await PartnerModel.create({
      name: 'Carrefour jeunesse-emploi',
      nameFolded: 'carrefour jeunesse-emploi',
      type: 'community',
      ownerId: owner._id,
      stage: 'agreement',
      contacts: [
        { name: 'Julie Tremblay', email: 'julie@cje.example', locale: 'fr', primary: true, emailConsent: true },
        { name: 'Sam Lee', email: 'sam@cje.example', locale: 'en', emailConsent: true },
      ],
    });
    partnerId = String(p._id);
  });

  /** An agreement in review, all eight elements filled, with monthly checks, started `monthsBack` months ago. */
  async function inReview(monthsBack: number, frequency: CheckFrequency = 'monthly') {
    const start = DateTime.now().setZone('America/Toronto').startOf('day').minus({ months: monthsBack }).toJSDate();
    const a = await AgreementModel.create({
      title: 'Mentorat jeunesse',
      partnerIds: [partnerId],
      kind: 'memorandum',
      language: 'fr',
      ownerId: owner._id,
      status: 'in_review',
      startDate: start,
      purpose: 'Accompagner des jeunes',
      governance: {
        type: 'joint_working_group',
        decisionProcess: 'Consensus',
        roles: [{ partyPartnerId: partnerId, responsibilities: 'Accueil' }],
      },
      objectives: [{ text: 'Placer 40 jeunes' }],
      resources: [{ what: 'Locaux', providerPartnerId: partnerId, forWhom: 'Jeunes' }],
      funding: { none: true },
      communication: { channels: ['email'], frequency: 'Mensuelle' },
      kpis: [{ name: 'Jeunes placés', baseline: 0, target: 40, direction: 'increase' }],
      followUp: { checkFrequency: frequency, meetingCadence: 'monthly', reportingDuties: 'Rapport trimestriel' },
      completeness: 8,
    });
    return { id: String(a._id), start };
  }

  /** A change to an active agreement is an amendment: the owner submits it, the manager approves it. */
  async function applyAmendment(id: string) {
    await postForm(ownerAgent, `/agreements/${id}/amendment`, { action: 'submit' }, `/agreements/${id}`);
    const res = await postForm(managerAgent, `/agreements/${id}/amendment`, { action: 'approve' }, `/agreements/${id}`);
    expect(res.status).to.equal(302);
  }

  async function approve(id: string) {
    const res = await postForm(managerAgent, `/agreements/${id}/transition`, { action: 'approve' }, `/agreements/${id}`);
    expect(res.status).to.equal(302);
    expect((await AgreementModel.findById(id).lean())!.status).to.equal('active');
  }

  const homeChecks = async (): Promise<string> => {
    const page = await ownerAgent.get('/');
    expect(page.status).to.equal(200);
    return /id="home-checks"[\s\S]*?<\/section>/.exec(page.text)![0];
  };

  it('approving an agreement with monthly checks started three months back: the tick asks the partner and reminds the owner; home lists it', async () => {
    const { id, start } = await inReview(3);
    await approve(id);
    const stored = (await AgreementModel.findById(id).lean())!.followUp?.nextCheckDue;
    // The first check was due one month after the start: overdue now.
    expect(stored?.toISOString()).to.equal(DateTime.fromJSDate(start).setZone('America/Toronto').plus({ months: 1 }).toUTC().toISO());

    await reminderTick();
    const julie = received('julie@cje.example');
    expect(julie.map((m) => m.subject)).to.deep.equal(['Votre mise à jour sur notre partenariat\u202f: Mentorat jeunesse']);
    expect(julie[0]!.text).to.match(/http:\/\/passerelle\.test\/p\/followup\/[\w-]+\.[\w-]+/);
    expect(received('sam@cje.example')).to.have.length(0); // the primary contact is reachable
    expect(subjects(owner.email)).to.include('Progress check due: Mentorat jeunesse');
    expect(subjects(owner.email)).to.include('Overdue progress check: Mentorat jeunesse');

    const home = await homeChecks();
    expect(home).to.contain('Mentorat jeunesse').and.contain('Overdue').and.not.contain('No progress check due.');
    expect(home).to.contain(`/agreements/${id}/progress/new`);
    // The partner page's "progress checks due" list says so too.
    expect((await ownerAgent.get(`/partners/${partnerId}`)).text).to.contain('Mentorat jeunesse');
  });

  it('editing only the reporting duties keeps the agreement due and reminded', async () => {
    const { id } = await inReview(3);
    await approve(id);
    const due = (await AgreementModel.findById(id).lean())!.followUp!.nextCheckDue!;
    const { rev } = (await AgreementModel.findById(id).lean())!;
    const res = await postForm(
      ownerAgent,
      `/agreements/${id}/edit/followUp`,
      {
        rev: String(rev),
        checkFrequency: 'monthly',
        meetingCadence: 'monthly',
        reportingDuties: 'Un rapport par mois',
        nextReviewDate: '',
      },
      `/agreements/${id}/edit/followUp`,
    );
    expect(res.status).to.equal(302);
    expect((await AgreementModel.findById(id).lean())!.followUp?.nextCheckDue?.getTime()).to.equal(due.getTime()); // in review
    await applyAmendment(id);
    const after = (await AgreementModel.findById(id).lean())!;
    expect(after.followUp?.reportingDuties).to.equal('Un rapport par mois');
    expect(after.followUp?.nextCheckDue?.getTime()).to.equal(due.getTime());

    await reminderTick();
    expect(received('julie@cje.example')).to.have.length(1);
    expect(subjects(owner.email)).to.include('Overdue progress check: Mentorat jeunesse');
    expect(await homeChecks()).to.contain('Mentorat jeunesse');
    expect((await ownerAgent.get(`/partners/${partnerId}`)).text).to.contain('Mentorat jeunesse');
  });

  it('a change of frequency and a recorded check each recompute the next check due', async () => {
    const { id, start } = await inReview(4);
    await approve(id);
    const { rev } = (await AgreementModel.findById(id).lean())!;
    await postForm(
      ownerAgent,
      `/agreements/${id}/edit/followUp`,
      { rev: String(rev), checkFrequency: 'semiannual', meetingCadence: 'monthly', reportingDuties: 'Rapport', nextReviewDate: '' },
      `/agreements/${id}/edit/followUp`,
    );
    await applyAmendment(id);
    const zoned = DateTime.fromJSDate(start).setZone('America/Toronto');
    expect((await AgreementModel.findById(id).lean())!.followUp?.nextCheckDue?.toISOString()).to.equal(
      zoned.plus({ months: 6 }).toUTC().toISO(),
    );
    expect(await homeChecks()).to.contain('No progress check due.'); // two months ahead

    const today = DateTime.now().setZone('America/Toronto');
    const check = await postForm(
      ownerAgent,
      `/agreements/${id}/progress`,
      {
        periodStart: today.minus({ months: 1 }).toISODate()!,
        periodEnd: today.toISODate()!,
        status: 'on_track',
        progress: 'Bien',
        challenges: '',
        supportNeeded: '',
        nextSteps: '',
        nextStepsDue: '',
        health_trust: '4',
        health_communication: '4',
        health_sharedGoals: '4',
        health_roles: '4',
        health_mutualBenefit: '4',
      },
      `/agreements/${id}/progress/new`,
    );
    expect(check.status).to.equal(302);
    expect((await AgreementModel.findById(id).lean())!.followUp?.nextCheckDue?.toISOString()).to.equal(
      today.endOf('day').plus({ months: 6 }).toUTC().toISO(),
    );
  });

  it('the rule: none unless active with a frequency; one period after the start, or after the last check when later', () => {
    const start = new Date('2026-01-31T05:00:00Z'); // 31 January, midnight in Toronto
    const active = { status: 'active' as const, startDate: start, followUp: { checkFrequency: 'quarterly' as const } };
    expect(checkDue(active, null)?.toISOString()).to.equal('2026-04-30T04:00:00.000Z'); // end of month clamped, daylight time
    expect(checkDue(active, new Date('2026-05-15T04:00:00Z'))?.toISOString()).to.equal('2026-08-15T04:00:00.000Z');
    expect(checkDue(active, new Date('2025-12-01T05:00:00Z'))?.toISOString()).to.equal('2026-04-30T04:00:00.000Z');
    expect(checkDue({ ...active, status: 'in_review' }, null)).to.equal(null);
    expect(checkDue({ ...active, followUp: { checkFrequency: '' } }, null)).to.equal(null);
  });
});
