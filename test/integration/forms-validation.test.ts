import { expect } from 'chai';
import type { Express } from 'express';
import { parse } from 'node-html-parser';
import { createUser, csrfFrom, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { PartnerImportModel } from '../../src/partners/import.model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { SettingModel } from '../../src/settings/model.js';
import { foldText } from '../../src/util/text.js';

// Form input the app must refuse clearly (a 4xx page in the user's language, the input kept), and
// bodies the app cannot read at all (a charset it does not know, a broken upload, too large).
async function partner(owner: TestUser, name: string) {
  return PartnerModel.create({ name, nameFolded: foldText(name), searchFolded: foldText(name), type: 'community', ownerId: owner._id });
}

const checked = (html: string, name: string) =>
  parse(html)
    .querySelectorAll(`input[name="${name}"][checked]`)
    .map((el) => el.getAttribute('value'));
const errorBeside = (html: string, id: string) =>
  parse(html)
    .querySelector(`#${id.replace('.', '\\.')}-error`)
    ?.textContent.trim() ?? '';

describe('forms: refused input is said clearly, in the user’s language', () => {
  let app: Express;
  let user: TestUser;
  let agent: Agent;
  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
    user = await createUser({ role: 'admin', locale: 'en' });
    agent = await signIn(app, user);
  });

  describe('several values of one field (checkbox groups)', () => {
    it('a new agreement with one "other partner" ticked and no title: 422, the box still ticked (no 500)', async () => {
      const [lead, other, third] = await Promise.all([partner(user, 'Lead'), partner(user, 'Other'), partner(user, 'Third')]);
      const base = {
        title: '',
        leadPartnerId: String(lead._id),
        kind: 'memorandum',
        language: 'en',
        ownerId: String(user._id),
        renewalNoticeDays: '60',
      };
      const one = await postForm(
        agent,
        '/agreements',
        { ...base, otherPartnerIds: String(other._id), teamIds: String(user._id) },
        '/agreements/new',
      );
      expect(one.status).to.equal(422);
      expect(checked(one.text, 'otherPartnerIds')).to.deep.equal([String(other._id)]);
      expect(checked(one.text, 'teamIds')).to.deep.equal([String(user._id)]);
      const two = await postForm(
        agent,
        '/agreements',
        { ...base, otherPartnerIds: [String(other._id), String(third._id)] },
        '/agreements/new',
      );
      expect(two.status).to.equal(422);
      expect(checked(two.text, 'otherPartnerIds')).to.have.members([String(other._id), String(third._id)]);
      expect(await AgreementModel.countDocuments({})).to.equal(0);
    });

    it('editing the basics of an agreement with one other partner, with an error: 422, not 500', async () => {
      const [lead, other] = await Promise.all([partner(user, 'Lead'), partner(user, 'Other')]);
      const a = await AgreementModel.create({ title: 'Entente', partnerIds: [lead._id, other._id], ownerId: user._id });
      const res = await postForm(
        agent,
        `/agreements/${String(a._id)}/edit/basics`,
        {
          rev: '0',
          title: 'x'.repeat(400),
          leadPartnerId: String(lead._id),
          otherPartnerIds: String(other._id),
          kind: 'memorandum',
          language: 'fr',
          ownerId: String(user._id),
          renewalNoticeDays: '60',
        },
        `/agreements/${String(a._id)}/edit/basics`,
      );
      expect(res.status).to.equal(422);
      expect(checked(res.text, 'otherPartnerIds')).to.deep.equal([String(other._id)]);
    });
  });

  describe('ranges: amounts and KPI values that mean nothing', () => {
    let a: InstanceType<typeof AgreementModel>;
    beforeEach(async () => {
      const lead = await partner(user, 'Lead');
      a = await AgreementModel.create({
        title: 'Entente',
        partnerIds: [lead._id],
        ownerId: user._id,
        status: 'active',
        kpis: [
          { name: 'People placed', unit: 'people', baseline: 0, target: 40, direction: 'increase' },
          { name: 'Drop-out rate', unit: 'percent', baseline: 30, target: 15, direction: 'decrease' },
          { name: 'Net change', unit: 'number', baseline: -5, target: 5, direction: 'increase' },
        ],
      });
    });
    const edit = (element: string, fields: Record<string, string | string[]>) =>
      postForm(
        agent,
        `/agreements/${String(a._id)}/edit/${element}`,
        { rev: String(a.rev), ...fields },
        `/agreements/${String(a._id)}/edit/${element}`,
      );

    it('a negative funding total, contribution or installment is refused beside the field, and nothing is saved', async () => {
      const res = await edit('funding', {
        total: '-5000',
        currency: 'CAD',
        party: [''],
        kind: ['cash'],
        value: ['-10'],
        description: ['Salaries'],
        dueDate: ['2026-06-01'],
        amount: ['-1'],
        paid: [''],
      });
      expect(res.status).to.equal(422);
      expect(errorBeside(res.text, 'field-total')).to.equal('Enter zero or more.');
      expect(errorBeside(res.text, 'field-value.0')).to.equal('Enter zero or more.');
      expect(errorBeside(res.text, 'field-amount.0')).to.equal('Enter zero or more.');
      // The user's input is kept in the form.
      expect(parse(res.text).querySelector('#field-total')?.getAttribute('value')).to.equal('-5000');
      expect(parse(res.text).querySelector('#field-value\\.0')?.getAttribute('value')).to.equal('-10');
      expect((await AgreementModel.findById(a._id).lean())!.funding?.total ?? null).to.equal(null);
    });

    it('KPI baseline and target: no negative count of people, a percentage from 0 to 100, any value for a plain number', async () => {
      const row = (over: Record<string, string>, i: number) => ({
        kpiId: String(a.kpis[i]!._id),
        name: a.kpis[i]!.name,
        description: '',
        unit: a.kpis[i]!.unit,
        baseline: String(a.kpis[i]!.baseline),
        target: String(a.kpis[i]!.target),
        direction: a.kpis[i]!.direction,
        frequency: 'quarterly',
        owner: '',
        dataSource: '',
        ...over,
      });
      const rows = [row({ baseline: '-3' }, 0), row({ target: '150' }, 1), row({ baseline: '-20' }, 2)];
      const fields = Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, rows.map((r) => r[k as keyof typeof r])]));
      const res = await edit('kpis', fields);
      expect(res.status).to.equal(422);
      expect(errorBeside(res.text, 'field-baseline.0')).to.equal('Enter zero or more.');
      expect(errorBeside(res.text, 'field-target.1')).to.equal('Enter a percentage from 0 to 100.');
      expect(errorBeside(res.text, 'field-baseline.2')).to.equal('');
      const ok = await edit('kpis', { ...fields, baseline: ['0', '30', '-20'], target: ['40', '15', '5'] });
      expect(ok.status).to.equal(302);
    });

    it('a measurement below zero people or above 100 % is refused with a message, and not recorded', async () => {
      const url = (i: number) => `/agreements/${String(a._id)}/kpis/${String(a.kpis[i]!._id)}/measurements`;
      const people = await postForm(agent, url(0), { value: '-2', periodEnd: '2026-03-31' }, `/agreements/${String(a._id)}`);
      expect(people.status).to.be.oneOf([302, 303]);
      const page = await agent.get(`/agreements/${String(a._id)}`);
      expect(page.text).to.contain('Enter zero or more.');
      const percent = await postForm(agent, url(1), { value: '140', periodEnd: '2026-03-31' }, `/agreements/${String(a._id)}`);
      expect(percent.status).to.be.oneOf([302, 303]);
      expect((await agent.get(`/agreements/${String(a._id)}`)).text).to.contain('Enter a percentage from 0 to 100.');
      expect(await KpiMeasurementModel.countDocuments({})).to.equal(0);
      await postForm(agent, url(2), { value: '-4', periodEnd: '2026-03-31' }, `/agreements/${String(a._id)}`);
      expect(await KpiMeasurementModel.countDocuments({})).to.equal(1);
    });
  });

  describe('the validator never speaks for the app', () => {
    it('out-of-range thresholds: the app’s own message, in French for a French user', async () => {
      const fr = await createUser({ role: 'admin', locale: 'fr' });
      const frAgent = await signIn(app, fr);
      const res = await postForm(
        frAgent,
        '/admin/kpi-thresholds',
        { onTrack: '-1', atRisk: 'abc', maintainTolerance: '' },
        '/admin/kpi-thresholds',
      );
      expect(res.status).to.equal(422);
      expect(res.text).to.not.match(/Too small|Invalid input|expected number/);
      expect(res.text).to.not.match(/validation:|agreements:/);
      expect(res.text).to.contain('Entrez un nombre, par exemple 25\u00a0000,50.');
    });

    it('a missing field is "required", not "Invalid input: expected string, received undefined"', async () => {
      const res = await postForm(agent, '/admin/users/invite', {}, '/admin/users/invite');
      expect(res.status).to.equal(422);
      expect(res.text).to.not.contain('Invalid input');
      expect(res.text).to.contain('This field is required.');
    });

    it('30 February is refused as a date (no 500)', async () => {
      const lead = await partner(user, 'Lead');
      const a = await AgreementModel.create({ title: 'E', partnerIds: [lead._id], ownerId: user._id, status: 'active' });
      const res = await postForm(
        agent,
        `/agreements/${String(a._id)}/progress`,
        {
          periodStart: '2026-02-30',
          periodEnd: '2026-03-31',
          status: 'on_track',
          health_trust: '3',
          health_communication: '3',
          health_sharedGoals: '3',
          health_roles: '3',
          health_mutualBenefit: '3',
        },
        `/agreements/${String(a._id)}/progress/new`,
      );
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('This date does not exist in the calendar.');
    });
  });

  describe('bodies the app cannot read', () => {
    it('a form in charset=utf-7: a 415 page in the user’s language, not 500', async () => {
      const fr = await signIn(app, await createUser({ role: 'professional', locale: 'fr' }));
      const _csrf = await csrfFrom(fr, '/partners/new');
      const res = await fr
        .post('/partners')
        .set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-7')
        .send(`name=x&_csrf=${_csrf}`);
      expect(res.status).to.equal(415);
      expect(res.text).to.contain('Ce formulaire a été envoyé dans un encodage');
      expect(res.text).to.not.match(/errors:/);
    });

    it('a body over the limit: a 413 page with translated text, not raw keys', async () => {
      const _csrf = await csrfFrom(agent, '/partners/new');
      const res = await agent
        .post('/partners')
        .type('form')
        .send(`name=${'x'.repeat(300_000)}&_csrf=${_csrf}`);
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('What you sent is too large.');
      expect(res.text).to.not.match(/errors:(title|tooLarge|backHome)/);
    });

    it('a malformed form body or multipart upload: a clear 400, not 500', async () => {
      const res = await agent
        .post('/partners/import')
        .set('Content-Type', 'multipart/form-data; boundary=zzz')
        .send('--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname\r\nx');
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('The upload could not be read');
      const noBoundary = await agent.post('/partners/import').set('Content-Type', 'multipart/form-data').send('garbage');
      expect(noBoundary.status).to.equal(400);
    });

    it('a CSV with an unclosed quote: a clear message naming the line, nothing stored', async () => {
      const _csrf = await csrfFrom(agent, '/partners/import');
      const csv = 'name,type\nCentre Nord,community\n"École Sud,school\n';
      const res = await agent.post('/partners/import').field('_csrf', _csrf).attach('file', Buffer.from(csv), 'p.csv');
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('a quote opened on line 3 is never closed');
      expect(await PartnerImportModel.countDocuments({})).to.equal(0);
    });
  });

  after(async () => {
    await SettingModel.deleteMany({ key: 'kpi.thresholds' });
  });
});
