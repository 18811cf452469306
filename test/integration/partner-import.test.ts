import { expect } from 'chai';
import type { Express } from 'express';
import { makeApp, createUser, signIn, postForm, csrfFrom, type TestUser, type Agent } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { PartnerModel, StageChangeModel, type PartnerDoc } from '../../src/partners/model.js';
import { AuditModel } from '../../src/audit/model.js';
import { PartnerImportModel } from '../../src/partners/import.model.js';
import { IMPORT_BATCH_SIZE, importOptions, importSettled } from '../../src/partners/import.js';
import { foldText } from '../../src/util/text.js';

async function upload(agent: Agent, csv: string | Buffer, withToken = true) {
  const token = await csrfFrom(agent, '/partners/import');
  const req = agent.post('/partners/import');
  if (withToken) void req.field('_csrf', token);
  return req.attach('file', Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'), 'partners.csv');
}

async function previewOf(agent: Agent, csv: string) {
  const res = await upload(agent, csv);
  expect(res.status, res.text.slice(0, 300)).to.equal(302);
  const url = String(res.headers.location);
  return { url, id: url.split('/').pop()!, page: await agent.get(url) };
}

async function run(agent: Agent, url: string, id: string) {
  const res = await postForm(agent, `${url}/run`, {}, url);
  expect(res.status).to.equal(302);
  await importSettled(id);
  return PartnerImportModel.findById(id).lean();
}

describe('partner CSV import', () => {
  let app: Express;
  let pro: TestUser;
  let agent: Agent;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    importOptions.batchSize = IMPORT_BATCH_SIZE;
    importOptions.beforeBatch = null;
    pro = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, pro);
  });

  it('previews: first rows, automatic mapping, and every invalid row with its line and reason (email, type, name, duplicate)', async () => {
    await PartnerModel.create({ name: 'École du Parc', type: 'school', ownerId: pro._id, nameFolded: foldText('École du Parc') });
    const csv = [
      'Nom;Type;Région;Courriel;Contact',
      'Centre Horizon;community;Laval;info@horizon.org;Ana Diaz',
      'Bad Mail Inc;employer;Laval;not-an-email;Bob',
      'Mystery;spaceship;Laval;;',
      ';school;Laval;;',
      'ECOLE DU PARC;school;Laval;;',
      'Clinique Santé;Health;Québec;;',
    ].join('\n');
    const { page } = await previewOf(agent, csv);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Centre Horizon').and.contain('2 partners ready to import');
    expect(page.text).to.match(/<option value="name" selected>/);
    const problems = page.text.slice(page.text.indexOf('import-problems'));
    expect(problems).to.match(/<td>3<\/td><td>Invalid email: “not-an-email”/);
    expect(problems).to.match(/<td>4<\/td><td>Unknown type: “spaceship”/);
    expect(problems).to.match(/<td>5<\/td><td>Missing name/);
    expect(problems).to.match(/<td>6<\/td><td>Duplicate of “École du Parc”/);
    expect(await PartnerModel.countDocuments({})).to.equal(1);
  });

  it('refuses an upload without the CSRF token (403) and stores nothing', async () => {
    const res = await upload(agent, 'name,type\nA,school\n', false);
    expect(res.status).to.equal(403);
    expect(await PartnerImportModel.countDocuments({})).to.equal(0);
  });

  it('refuses a file over 5 MB', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 'a');
    const res = await upload(agent, big);
    expect(res.status).to.equal(413);
    expect(await PartnerImportModel.countDocuments({})).to.equal(0);
  });

  it('refuses two files or a file under another name with a 400 that says so, not "larger than 5 MB"', async () => {
    const token = await csrfFrom(agent, '/partners/import');
    const two = await agent
      .post('/partners/import')
      .field('_csrf', token)
      .attach('file', Buffer.from('name\nA\n'), 'a.csv')
      .attach('file', Buffer.from('name\nB\n'), 'b.csv');
    const other = await agent.post('/partners/import').field('_csrf', token).attach('upload', Buffer.from('name\nA\n'), 'a.csv');
    for (const res of [two, other]) {
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('Choose one CSV file').and.not.contain('larger than 5 MB');
    }
    expect(await PartnerImportModel.countDocuments({})).to.equal(0);
  });

  it('imports valid partners with grouped contacts, history and audit; a second press does not import twice', async () => {
    const csv = [
      'name,type,stage,contact_name,contact_email,contact_language,resources',
      'Centre Horizon,community,contacted,Ana Diaz,ana@horizon.org,en,material: Salle de réunion',
      'Centre Horizon,community,contacted,Luc Roy,luc@horizon.org,fr,',
      'Clinique Santé,health,,,,,',
    ].join('\n');
    const { url, id } = await previewOf(agent, csv);
    const imp = await run(agent, url, id);
    expect(imp!.status).to.equal('done');
    expect(imp!.imported).to.equal(2);
    const horizon = (await PartnerModel.findOne({ name: 'Centre Horizon' }).lean())!;
    expect(horizon.stage).to.equal('contacted');
    expect(horizon.contacts.map((c) => [c.name, c.primary, c.locale])).to.deep.equal([
      ['Ana Diaz', true, 'en'],
      ['Luc Roy', false, 'fr'],
    ]);
    expect(horizon.resourceCategories).to.deep.equal(['material']);
    expect(horizon.searchFolded).to.contain('luc@horizon.org');
    expect(await StageChangeModel.countDocuments({ partnerId: horizon._id, to: 'contacted' })).to.equal(1);
    expect(await AuditModel.countDocuments({ entityId: horizon._id, action: 'import' })).to.equal(1);
    await postForm(agent, `${url}/run`, {}, '/partners');
    await importSettled(id);
    expect(await PartnerModel.countDocuments({})).to.equal(2);
  });

  it('rolls back everything when a batch fails half-way: no partner, history or audit of it stays', async () => {
    importOptions.batchSize = 2;
    importOptions.beforeBatch = (i) => (i === 2 ? Promise.reject(new Error('disk full')) : Promise.resolve());
    const csv = ['name,type', ...Array.from({ length: 6 }, (_, i) => `Partenaire ${i},other`)].join('\n');
    const { url, id } = await previewOf(agent, csv);
    const imp = await run(agent, url, id);
    expect(imp!.status).to.equal('failed');
    expect(await PartnerModel.countDocuments({})).to.equal(0);
    expect(await StageChangeModel.countDocuments({})).to.equal(0);
    expect(await AuditModel.countDocuments({ action: 'import' })).to.equal(0);
    const page = await agent.get(url);
    expect(page.text).to.contain('nothing was saved');
  });

  it('round-trips: export, then import into an empty database, gives the same partners', async () => {
    const other = await createUser({ role: 'manager' });
    const a = await postForm(
      agent,
      '/partners',
      {
        name: 'Maison des Jeunes Côte-des-Neiges',
        type: 'community',
        ownerId: String(other._id),
        region: 'Montréal',
        website: 'https://mdj.example.org',
        description: 'Ligne 1, "citée"\nLigne 2',
        tags: 'jeunesse, été',
        priority: 'high',
        contactName: 'Élise Côté',
        contactEmail: 'elise@mdj.example.org',
        contactLocale: 'fr',
        contactConsent: 'on',
      },
      '/partners/new',
    );
    const aId = String(a.headers.location).split('/').pop()!;
    await postForm(agent, `/partners/${aId}/contacts`, { name: 'John Smith', email: 'john@mdj.example.org', locale: 'en' }, '/partners');
    await postForm(
      agent,
      `/partners/${aId}/resources`,
      { category: 'institutions', description: 'Gymnase; salle polyvalente' },
      '/partners',
    );
    await postForm(agent, '/partners', { name: '=cmd() Entreprise', type: 'employer', ownerId: String(pro._id) }, '/partners/new');
    const pick = (p: PartnerDoc) => ({
      ...Object.fromEntries(
        ['name', 'type', 'stage', 'region', 'website', 'description', 'tags', 'priority', 'ownerId'].map((k) => [
          k,
          String(p[k as keyof PartnerDoc] as string),
        ]),
      ),
      contacts: p.contacts.map((c) => [c.name, c.email, c.locale, c.emailConsent, c.primary]),
      resources: p.resources.map((r) => [r.category, r.description]),
    });
    const before = (await PartnerModel.find({}).sort({ nameFolded: 1 }).lean()).map(pick);
    const exported = await agent
      .get('/partners/export.csv')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const csv = exported.body as Buffer;
    await PartnerModel.deleteMany({});
    const { url, id, page } = await previewOf(agent, csv.toString('utf8'));
    expect(page.text).to.contain('Every row is valid');
    await run(agent, url, id);
    const after = (await PartnerModel.find({}).sort({ nameFolded: 1 }).lean()).map(pick);
    // Formula-looking text is exported with a leading quote (spreadsheet safety) and the import takes it off.
    expect(csv.toString('utf8')).to.contain("'=cmd() Entreprise");
    expect(after).to.deep.equal(before);
    expect(after).to.have.length(2);
  });
});
