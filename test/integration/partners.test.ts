import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { makeApp, createUser, signIn, postForm, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { InteractionModel } from '../../src/partners/interactions.model.js';
import { UserModel } from '../../src/users/model.js';

async function newPartner(agent: Agent, owner: TestUser, fields: Record<string, string> = {}) {
  const res = await postForm(
    agent,
    '/partners',
    { name: 'École Saint-Esprit', type: 'school', ownerId: String(owner._id), region: 'Montréal', tags: 'Jeunesse, emploi', ...fields },
    '/partners/new',
  );
  expect(res.status, res.text.slice(0, 500)).to.equal(302);
  await agent.get(String(res.headers.location)); // shows (and so clears) the confirmation message
  return String(res.headers.location).split('/').pop()!;
}

describe('partners', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  it('creates a partner with its first contact, records the stage and the audit, and shows it', async () => {
    const id = await newPartner(agent, pro, {
      contactName: 'Marie Tremblay',
      contactEmail: 'Marie@Example.org',
      contactLocale: 'fr',
      contactConsent: 'on',
    });
    const p = await PartnerModel.findById(id).lean();
    expect(p!.contacts).to.have.length(1);
    expect(p!.contacts[0]).to.include({ name: 'Marie Tremblay', email: 'marie@example.org', primary: true, emailConsent: true });
    expect(p!.tags).to.deep.equal(['jeunesse', 'emploi']);
    expect(p!.nameFolded).to.equal('ecole saint-esprit');
    expect(await StageChangeModel.countDocuments({ partnerId: id, to: 'identified' })).to.equal(1);
    expect(await AuditModel.countDocuments({ entityId: id, action: 'create' })).to.equal(1);
    const page = await agent.get(`/partners/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('École Saint-Esprit').and.contain('Marie Tremblay').and.contain('Partner identified');
  });

  it('refuses a partner without a name or with a bad email, keeps the input, stores nothing', async () => {
    const res = await postForm(
      agent,
      '/partners',
      { name: '', type: 'school', ownerId: String(pro._id), region: 'Laval', contactName: 'X', contactEmail: 'not-an-email' },
      '/partners/new',
    );
    expect(res.status).to.equal(422);
    expect(res.text)
      .to.contain('This field is required.')
      .and.contain('Enter an email address like name@example.org.')
      .and.contain('value="Laval"');
    expect(await PartnerModel.countDocuments({})).to.equal(0);
  });

  it('warns of a duplicate name ignoring case and accents, and creates it only when confirmed', async () => {
    await newPartner(agent, pro);
    const res = await postForm(
      agent,
      '/partners',
      { name: 'ECOLE SAINT-ESPRIT', type: 'school', ownerId: String(pro._id) },
      '/partners/new',
    );
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('This partner may already exist');
    expect(await PartnerModel.countDocuments({})).to.equal(1);
    await newPartner(agent, pro, { name: 'ECOLE SAINT-ESPRIT', confirmDuplicate: 'yes' });
    expect(await PartnerModel.countDocuments({})).to.equal(2);
  });

  it('finds partners by accent-insensitive name, contact name or email, and filters by stage and type', async () => {
    await newPartner(agent, pro, { contactName: 'Zoé Côté', contactEmail: 'zoe@cote.example' });
    await newPartner(agent, pro, { name: 'Centre Horizon', type: 'community' });
    const byName = await agent.get('/partners?q=ecole');
    expect(byName.text).to.contain('École Saint-Esprit').and.not.contain('Centre Horizon');
    expect((await agent.get('/partners?q=zoe cote')).text).to.contain('École Saint-Esprit');
    expect((await agent.get('/partners?q=ZOE%40COTE')).text).to.contain('École Saint-Esprit');
    expect((await agent.get('/partners?type=community')).text)
      .to.contain('Centre Horizon')
      .and.not.contain('École Saint-Esprit');
    expect((await agent.get('/partners?q=a.*b(')).status).to.equal(200);
  });

  it('paginates: the last page holds the rest, a page past the end is empty but not an error', async () => {
    const owner = pro._id;
    await PartnerModel.insertMany(
      Array.from({ length: 27 }, (_, i) => ({
        name: `P${String(i).padStart(2, '0')}`,
        nameFolded: `p${String(i).padStart(2, '0')}`,
        type: 'other',
        ownerId: owner,
      })),
    );
    const first = await agent.get('/partners');
    expect((first.text.match(/href="\/partners\/[a-f0-9]{24}"/g) ?? []).length).to.equal(25);
    expect(first.text).to.contain('Page 1 of 2 (27 in all)');
    const second = await agent.get('/partners?page=2');
    expect((second.text.match(/href="\/partners\/[a-f0-9]{24}"/g) ?? []).length).to.equal(2);
    expect((await agent.get('/partners?page=99')).status).to.equal(200);
    expect((await agent.get('/partners?page=-3')).status).to.equal(200);
  });

  it('moves a stage with history and refuses to close without a reason', async () => {
    const id = await newPartner(agent, pro);
    expect((await postForm(agent, `/partners/${id}/stage`, { stage: 'contacted' }, `/partners/${id}`)).status).to.equal(302);
    await postForm(agent, `/partners/${id}/stage`, { stage: 'closed', reason: '' }, `/partners/${id}`);
    expect((await PartnerModel.findById(id).lean())!.stage).to.equal('contacted');
    const changes = await StageChangeModel.find({ partnerId: id }).sort({ at: 1 }).lean();
    expect(changes.map((c) => [c.from, c.to, c.byName])).to.deep.equal([
      [null, 'identified', pro.name],
      ['identified', 'contacted', pro.name],
    ]);
    const board = await agent.get('/partners/board');
    expect(board.text).to.contain('École Saint-Esprit');
  });

  it('detects two edits from the same revision: the second sees the conflict and nothing of the first is lost', async () => {
    const id = await newPartner(agent, pro);
    const base = { type: 'school', ownerId: String(pro._id), rev: '0' };
    const first = await postForm(agent, `/partners/${id}`, { ...base, name: 'Name by Alice', region: 'Laval' }, `/partners/${id}/edit`);
    expect(first.status).to.equal(302);
    const second = await postForm(agent, `/partners/${id}`, { ...base, name: 'Name by Bob', region: 'Québec' }, `/partners/${id}/edit`);
    expect(second.status).to.equal(409);
    expect(second.text).to.contain('Someone else saved this partner').and.contain('Name by Alice').and.contain('value="Name by Bob"');
    const p = await PartnerModel.findById(id).lean();
    expect(p!.name).to.equal('Name by Alice');
    const audit = await AuditModel.findOne({ entityId: id, action: 'update' }).lean();
    expect(audit!.changes.map((c) => c.field)).to.include.members(['name', 'region']);
  });

  it("forbids a professional to change another's partner (403), and lets a manager do it", async () => {
    const id = await newPartner(agent, pro);
    const other = await createUser({ role: 'professional' });
    const otherAgent = await signIn(app, other);
    expect((await otherAgent.get(`/partners/${id}`)).status).to.equal(200);
    const res = await postForm(otherAgent, `/partners/${id}/stage`, { stage: 'exploring' }, '/partners');
    expect(res.status).to.equal(403);
    expect((await PartnerModel.findById(id).lean())!.stage).to.equal('identified');
    const manager = await createUser({ role: 'manager' });
    const mAgent = await signIn(app, manager);
    expect((await postForm(mAgent, `/partners/${id}/stage`, { stage: 'exploring' }, '/partners')).status).to.equal(302);
  });

  it('archives and restores; only an administrator deletes, and only an archived partner', async () => {
    const id = await newPartner(agent, pro);
    expect((await postForm(agent, `/partners/${id}/delete`, {}, '/partners')).status).to.equal(403);
    await postForm(agent, `/partners/${id}/archive`, {}, '/partners');
    expect((await agent.get('/partners')).text).to.not.contain('École Saint-Esprit');
    expect((await agent.get('/partners?archived=1')).text).to.contain('École Saint-Esprit');
    const admin = await createUser({ role: 'admin' });
    const aAgent = await signIn(app, admin);
    expect((await aAgent.get(`/partners/${id}/delete`)).text).to.contain('cannot be undone');
    expect((await postForm(aAgent, `/partners/${id}/delete`, {}, '/partners')).status).to.equal(302);
    expect(await PartnerModel.countDocuments({ _id: id })).to.equal(0);
    expect(await AuditModel.countDocuments({ entityId: id, action: 'delete' })).to.equal(1);
  });

  it('adds and removes contacts (the array really shrinks) and logs interactions on the timeline', async () => {
    const id = await newPartner(agent, pro, { contactName: 'First Person' });
    await postForm(
      agent,
      `/partners/${id}/contacts`,
      { name: 'Second Person', email: 'second@example.org', locale: 'en' },
      `/partners/${id}`,
    );
    let p = await PartnerModel.findById(id).lean();
    expect(p!.contacts.map((c) => c.name)).to.deep.equal(['First Person', 'Second Person']);
    expect(p!.searchFolded).to.contain('second@example.org');
    await postForm(agent, `/partners/${id}/contacts/${String(p!.contacts[0]!._id)}/remove`, {}, `/partners/${id}`);
    p = await PartnerModel.findById(id).lean();
    expect(p!.contacts.map((c) => [c.name, c.primary])).to.deep.equal([['Second Person', true]]);
    await postForm(
      agent,
      `/partners/${id}/interactions`,
      { kind: 'call', date: '2026-11-20', summary: 'Talked about <b>summer jobs</b>' },
      `/partners/${id}`,
    );
    const page = await agent.get(`/partners/${id}`);
    expect(page.text).to.contain('Talked about &lt;b&gt;summer jobs&lt;/b&gt;');
  });

  it('tells on the timeline what changed, when the exploration, details, resources and contacts are saved, in the reader’s language', async () => {
    const id = await newPartner(agent, pro, { contactName: 'Marie Tremblay' });
    const other = await createUser({ role: 'professional', name: 'Bruno Ouellet' });
    const exploration = { interestConfirmedAt: '', interestConfirmedBy: '', interestHow: '', collaboration: '', workSchedules: '' };
    const explore = async (fields: Record<string, string>) =>
      postForm(
        agent,
        `/partners/${id}/exploration`,
        {
          ...exploration,
          financialMechanisms: '',
          successIndicators: '',
          rev: String((await PartnerModel.findById(id).lean())!.rev),
          ...fields,
        },
        `/partners/${id}`,
      );
    await explore({ sharedGoals: 'Placer 20 jeunes', reporting: '' });
    await explore({ sharedGoals: 'Placer 30 jeunes', reporting: 'Un rapport par trimestre' });
    await postForm(agent, `/partners/${id}/resources`, { category: 'financial', description: 'Fonds jeunesse' }, `/partners/${id}`);
    const contact = (await PartnerModel.findById(id).lean())!.contacts[0]!;
    await postForm(agent, `/partners/${id}/contacts/${String(contact._id)}/remove`, {}, `/partners/${id}`);
    // Last: the partner then belongs to someone else.
    const rev = String((await PartnerModel.findById(id).lean())!.rev);
    const edit = {
      name: 'École Saint-Esprit',
      type: 'community',
      ownerId: String(other._id),
      region: 'Laval',
      tags: 'jeunesse, stages',
      rev,
    };
    expect((await postForm(agent, `/partners/${id}`, edit, `/partners/${id}/edit`)).status).to.equal(302);

    const timeline = async (who: Agent) => {
      const html = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec((await who.get(`/partners/${id}`)).text)![1]!;
      return html.replace(/<[^>]+>/g, ' ').replace(/[ \t\r\n]+/g, ' '); // narrow no-break spaces kept
    };
    const en = await timeline(agent);
    expect(en)
      .to.contain('Shared goals and objectives added')
      .and.contain('Shared goals and objectives updated')
      .and.contain('Reporting added');
    expect(en).to.contain('Resource added: Financial assets — Fonds jeunesse');
    expect(en).to.contain('Type: School / education → Community organization').and.contain('Region: Montréal → Laval');
    expect(en)
      .to.contain('Owner: ' + pro.name + ' → Bruno Ouellet')
      .and.contain('Tags: jeunesse, emploi → jeunesse, stages');
    expect(en).to.contain('Contact removed: Marie Tremblay');
    for (const raw of ['{', 'financial:', 'exploration:', 'ownerId', 'requirements', 'partners:', String(other._id)]) {
      expect(en, raw).to.not.contain(raw);
    }
    const manager = await signIn(app, await createUser({ role: 'manager', locale: 'fr' }));
    const fr = await timeline(manager);
    expect(fr).to.contain('Mise à jour\u202f: Buts et objectifs communs').and.contain('Ajout\u202f: Production de rapports');
    expect(fr).to.contain('Ressource ajoutée\u202f: Actifs financiers — Fonds jeunesse');
    expect(fr).to.contain('Type\u202f: École / éducation → Organisme communautaire').and.contain('Région\u202f: Montréal → Laval');
    expect(fr).to.contain('Personne-ressource retirée\u202f: Marie Tremblay');
    for (const raw of ['{', 'financial:', 'exploration:', 'ownerId', 'partners:']) expect(fr, raw).to.not.contain(raw);
  });

  it('edits a contact from its own form, when asked from the contact list, and refuses bad input with the form kept, in the user’s language', async () => {
    const id = await newPartner(agent, pro, { contactName: 'Marie Tremblay', contactEmail: 'marie@example.org' });
    const contact = (await PartnerModel.findById(id).lean())!.contacts[0]!;
    const edit = `/partners/${id}/contacts/${String(contact._id)}/edit`;
    expect((await agent.get(`/partners/${id}`)).text).to.contain(`href="${edit}"`);
    const form = await agent.get(edit);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('value="Marie Tremblay"').and.contain('value="marie@example.org"');
    const action = `/partners/${id}/contacts/${String(contact._id)}`;
    const bad = await postForm(agent, action, { name: '', role: 'Directrice', email: 'not-an-email', phone: '514', locale: 'fr' }, edit);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('value="not-an-email"').and.contain('value="Directrice"').and.contain('aria-invalid="true"');
    expect((await PartnerModel.findById(id).lean())!.contacts[0]).to.include({ name: 'Marie Tremblay', email: 'marie@example.org' });
    const ok = await postForm(
      agent,
      action,
      {
        name: 'Marie Tremblay-Roy',
        role: 'Directrice',
        email: 'MTR@example.org',
        phone: '514-555-0100',
        locale: 'en',
        emailConsent: 'on',
        rev: String((await PartnerModel.findById(id).lean())!.rev),
      },
      edit,
    );
    expect(ok.status).to.equal(302);
    expect(ok.headers.location).to.equal(`/partners/${id}#contacts`);
    const saved = (await PartnerModel.findById(id).lean())!;
    expect(saved.contacts[0]).to.include({
      name: 'Marie Tremblay-Roy',
      role: 'Directrice',
      email: 'mtr@example.org',
      locale: 'en',
      emailConsent: true,
      primary: true,
    });
    expect(saved.searchFolded).to.contain('mtr@example.org');
    const page = (await agent.get(`/partners/${id}`)).text;
    expect(page).to.contain('Contact edited: Marie Tremblay-Roy').and.contain('Email updated');

    const french = await signIn(app, await createUser({ role: 'manager', locale: 'fr' }));
    const frBad = await postForm(french, action, { name: 'X', email: 'pas-un-courriel' }, edit);
    expect(frBad.status).to.equal(422);
    expect(frBad.text)
      .to.contain('Modifier la personne-ressource')
      .and.contain('value="pas-un-courriel"')
      .and.not.match(/validation:|partners:/);
    const other = await signIn(app, await createUser({ role: 'professional' }));
    expect((await other.get(edit)).status).to.equal(403);
    expect((await postForm(other, action, { name: 'Hijack' }, `/partners/${id}`)).status).to.equal(403);
    const unknown = `/partners/${id}/contacts/${String(new Types.ObjectId())}`;
    expect((await agent.get(`${unknown}/edit`)).status).to.equal(404);
    expect((await postForm(agent, unknown, { name: 'Nobody' }, `/partners/${id}`)).status).to.equal(404);
    // Adding a contact with bad input also keeps it, in the same form.
    const add = await postForm(agent, `/partners/${id}/contacts`, { name: 'Paul', email: 'paul@' }, `/partners/${id}`);
    expect(add.status).to.equal(422);
    expect(add.text).to.contain('value="paul@"').and.contain('value="Paul"');
    expect((await PartnerModel.findById(id).lean())!.contacts).to.have.length(1);
  });

  it('keeps an interaction a date without a time, when it is logged for a day, in every time zone and language', async () => {
    const id = await newPartner(agent, pro);
    const res = await postForm(
      agent,
      `/partners/${id}/interactions`,
      { kind: 'visit', date: '2026-11-20', summary: 'Visite des locaux' },
      `/partners/${id}`,
    );
    expect(res.status).to.equal(302);
    const stored = await InteractionModel.findOne({ partnerId: id }).lean();
    expect(stored).to.include({ day: '2026-11-20' });
    const entryOf = (html: string) => {
      const li = /<li class="timeline-interaction">([\s\S]*?)<\/li>/.exec(html)![1]!;
      return { datetime: /datetime="([^"]+)"/.exec(li)![1], shown: /<time[^>]*>([^<]*)<\/time>/.exec(li)![1]!.trim() };
    };
    expect(entryOf((await agent.get(`/partners/${id}`)).text)).to.deep.equal({ datetime: '2026-11-20', shown: 'Nov 20, 2026' });
    // Far east and far west of UTC, the day is the same day, and no hour is made up.
    for (const [timezone, locale, shown] of [
      ['Pacific/Kiritimati', 'fr', '20 nov. 2026'],
      ['Pacific/Pago_Pago', 'en', 'Nov 20, 2026'],
    ] as const) {
      const reader = await createUser({ role: 'manager', locale });
      await UserModel.updateOne({ _id: reader._id }, { $set: { timezone } });
      expect(entryOf((await (await signIn(app, reader)).get(`/partners/${id}`)).text).shown, timezone).to.equal(shown);
    }
  });

  it('removes a resource; an unknown contact or resource is a 404 that changes nothing', async () => {
    const id = await newPartner(agent, pro);
    await postForm(agent, `/partners/${id}/resources`, { category: 'institutions', description: 'Gymnase' }, `/partners/${id}`);
    const before = await PartnerModel.findById(id).lean();
    const audits = await AuditModel.countDocuments({ entityId: before!._id });
    const unknown = String(new Types.ObjectId());
    for (const what of ['resources', 'contacts']) {
      const res = await postForm(agent, `/partners/${id}/${what}/${unknown}/remove`, {}, `/partners/${id}`);
      expect(res.status, what).to.equal(404);
    }
    const after = await PartnerModel.findById(id).lean();
    expect(after!.rev).to.equal(before!.rev);
    expect(after!.resources.map((r) => r.description)).to.deep.equal(['Gymnase']);
    expect(await AuditModel.countDocuments({ entityId: before!._id })).to.equal(audits);

    await postForm(agent, `/partners/${id}/resources/${String(after!.resources[0]!._id)}/remove`, {}, `/partners/${id}`);
    expect((await PartnerModel.findById(id).lean())!.resources).to.deep.equal([]);
  });

  it('renders a partner named <script> as text on the list, page and board', async () => {
    const id = await newPartner(agent, pro, { name: '<script>alert(1)</script>' });
    for (const url of ['/partners', `/partners/${id}`, '/partners/board']) {
      const res = await agent.get(url);
      expect(res.text, url).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text, url).to.not.contain('<script>alert(1)</script>');
    }
  });

  it('exports the filtered list as CSV with a BOM and accents intact', async () => {
    await newPartner(agent, pro, { contactName: 'Zoé Côté', contactEmail: 'zoe@example.org' });
    await newPartner(agent, pro, { name: 'Centre Horizon', type: 'community' });
    const res = await agent
      .get('/partners/export.csv?type=school')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const body = res.body as Buffer;
    expect(body.subarray(0, 3).toString('hex')).to.equal('efbbbf');
    const text = body.toString('utf8');
    expect(text).to.contain('École Saint-Esprit').and.contain('Zoé Côté').and.not.contain('Centre Horizon');
    expect(text.split('\n')[0]).to.contain('name,type,stage');
  });
});
