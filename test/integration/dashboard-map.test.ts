// The dashboard's portfolio map: partners placed by type and region, joined by running joint
// agreements and by resources offered alike; a picture and, for those who cannot see it, tables.
import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement } from '../helpers/agreements.js';
import { PartnerModel } from '../../src/partners/model.js';
import type { PartnerType } from '../../src/partners/constants.js';
import { dashboard, type DashboardFilter } from '../../src/dashboard/service.js';

const all: DashboardFilter = { ownerId: null, type: null, region: null, period: 90 };

describe('dashboard: the portfolio map', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  async function portfolio(locale: 'fr' | 'en' = 'fr') {
    const owner = await createUser({ locale, role: 'manager', name: 'Mona Gestion' });
    const partner = (name: string, type: PartnerType, region: string, resources: string[] = []) =>
      PartnerModel.create({
        name,
        nameFolded: name.toLowerCase(),
        type,
        region,
        ownerId: owner._id,
        resources: resources.map((description) => ({ category: 'material', description })),
      });
    const school1 = await partner('École A', 'school', 'Laval', ['Salle communautaire']);
    const school2 = await partner('École B', 'school', 'Laval');
    const centre = await partner('Centre C', 'community', 'Laval', ['salle  COMMUNAUTAIRE']);
    const employer = await partner('Usine D', 'employer', 'Québec', ['Salle communautaire']);
    await partner('Archivé', 'employer', 'Québec').then((p) => PartnerModel.updateOne({ _id: p._id }, { archived: true }));
    // Joint agreements: school ↔ community (active), school ↔ school (within Laval schools), school ↔ employer ended.
    await fullAgreement(owner, [school1._id, centre._id], { status: 'active' });
    await fullAgreement(owner, [school1._id, school2._id], { status: 'draft' });
    await fullAgreement(owner, [school2._id, employer._id], { status: 'terminated' });
    return { owner };
  }

  it('places the partners by type and region and counts the links between places', async () => {
    await portfolio();
    const m = (await dashboard(all, new Date())).map;
    const place = (type: string, region: string) => m.places.find((p) => p.type === type && p.region === region);
    expect(m.places.map((p) => [p.type, p.region, p.partners])).to.have.deep.members([
      ['school', 'Laval', 2],
      ['community', 'Laval', 1],
      ['employer', 'Québec', 1],
    ]);
    expect(place('school', 'Laval')!.inner).to.equal(1);
    const link = (a: string, b: string) => m.links.find((l) => [l.a.type, l.b.type].sort().join() === [a, b].sort().join());
    expect(link('school', 'community')).to.include({ agreements: 1, resources: 1 });
    // The terminated agreement no longer links; the resource offered alike does.
    expect(link('school', 'employer')).to.include({ agreements: 0, resources: 1 });
    expect(link('community', 'employer')).to.include({ agreements: 0, resources: 1 });
    expect(m.picture.columns).to.deep.equal(['Laval', 'Québec']);
    expect(m.picture.drawn.filter((d) => d.kind === 'agreements')).to.have.length(1);
    expect(m.picture.drawn.filter((d) => d.kind === 'resources')).to.have.length(3);
  });

  for (const [locale, words] of [
    [
      'fr',
      {
        title: 'Carte du portefeuille',
        table: 'Afficher la carte sous forme de tableaux',
        label: 'École / éducation · Laval\u202f: 2 partenaires',
      },
    ],
    ['en', { title: 'Portfolio map', table: 'Show the map as tables', label: 'School / education · Laval: 2 partners' }],
  ] as const) {
    it(`draws it as a described picture whose places open their partners, with tables, in ${locale}`, async () => {
      const { owner } = await portfolio(locale);
      const agent = await signIn(app, owner);
      const page = (await agent.get('/dashboard?owner=all')).text;
      const block = /<section[^>]*id="map"[\s\S]*?<\/section>/.exec(page)![0];
      expect(block).to.contain(words.title).and.contain(words.table);
      expect(block).to.match(/<svg class="portfolio-map"[^>]*role="group"[^>]*aria-describedby="map-desc"/);
      const href = /<a href="(\/dashboard\/rows\/map\?[^"]+)" aria-label="([^"]+)"/.exec(block)!;
      expect(href[2]!.replace(/\s/g, ' ')).to.equal(words.label.replace(/\s/g, ' '));
      const rows = (await agent.get(href[1]!.replace(/&amp;/g, '&'))).text;
      expect(/data-total="(\d+)"/.exec(rows)?.[1]).to.equal('2');
      expect(rows).to.contain('École A').and.contain('École B');
      expect(rows).to.not.contain('Centre C');
    });
  }
});
