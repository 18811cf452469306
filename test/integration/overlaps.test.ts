// Overlaps flagged (seed 001: avoid effort duplication): a partner identified again while another
// professional works with it, and a draft whose partner already has an active agreement with
// overlapping objectives or resources, each say so and link the other record and its owner.
import { expect } from 'chai';
import type { Express } from 'express';
import { createUser, makeApp, postForm, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { fullAgreement, makePartner } from '../helpers/agreements.js';
import { PartnerModel } from '../../src/partners/model.js';

const section = (html: string, id: string) => new RegExp(`<section[^>]*id="${id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';

describe('overlaps flagged', () => {
  let app: Express;
  before(async () => {
    app = await makeApp();
  });
  beforeEach(clearDatabase);

  for (const [locale, words] of [
    [
      'fr',
      {
        title: 'Recoupe une entente en vigueur',
        owner: 'responsable\u202f: Bea Autre',
        objective: 'L’objectif «\u202fPlacer 30 personnes en emploi\u202f» ressemble à «\u202fPlacer 40 jeunes en emploi\u202f»',
        resource: 'La ressource «\u202fSalles de réunion\u202f» ressemble à «\u202fSalles\u202f»',
      },
    ],
    [
      'en',
      {
        title: 'Overlaps an active agreement',
        owner: 'responsible: Bea Autre',
        objective: 'Objective “Placer 30 personnes en emploi” is close to “Placer 40 jeunes en emploi”',
        resource: 'Resource “Salles de réunion” is close to “Salles”',
      },
    ],
  ] as const) {
    it(`a draft whose partner has an active agreement with close objectives and resources says so, with its owner, in ${locale}`, async () => {
      const me = await createUser({ locale, name: 'Ana Moi' });
      const other = await createUser({ locale, name: 'Bea Autre' });
      const partner = await makePartner(me, 'Centre Horizon');
      const active = await fullAgreement(other, [partner], {
        status: 'active',
        title: 'Insertion 2026',
        objectives: [{ text: 'Placer 40 jeunes en emploi' }],
        resources: [{ what: 'Salles', forWhom: 'Jeunes' }],
      });
      await fullAgreement(other, [partner], {
        status: 'active',
        title: 'Sans rapport',
        objectives: [{ text: 'Offrir 12 ateliers' }],
        resources: [],
      });
      const draft = await fullAgreement(me, [partner], {
        status: 'draft',
        objectives: [{ text: 'Placer 30 personnes en emploi' }, { text: 'Créer un comité' }],
        resources: [{ what: 'Salles de réunion', forWhom: 'Participants' }],
      });
      const agent = await signIn(app, me);
      const html = section((await agent.get(`/agreements/${String(draft._id)}`)).text, 'overlaps');
      expect(html)
        .to.contain(words.title)
        .and.contain(`href="/agreements/${String(active._id)}"`);
      expect(html.replace(/\s+/g, ' ')).to.contain(words.owner.replace(/\s/g, ' '));
      expect(html).to.contain(words.objective).and.contain(words.resource);
      expect(html).to.not.contain('Sans rapport').and.not.contain('Créer un comité');
      // The active agreement itself is not being drafted: nothing is flagged there.
      expect((await agent.get(`/agreements/${String(active._id)}`)).text).to.not.contain('id="overlaps"');
    });
  }

  it('identifying a partner another professional works with names them, on the form and on both records', async () => {
    const me = await createUser({ locale: 'en', name: 'Ana Moi' });
    const other = await createUser({ locale: 'en', name: 'Bea Autre' });
    const theirs = await makePartner(other, 'CISSS de Laval', 'government');
    await fullAgreement(other, [theirs], { status: 'active', title: 'Their agreement' });
    const agent = await signIn(app, me);
    const fields = { name: 'Cisss de LAVAL', type: 'government', ownerId: String(me._id), priority: 'medium' };
    const warned = await postForm(agent, '/partners', fields, '/partners/new');
    expect(warned.status).to.equal(409);
    expect(warned.text)
      .to.contain(`href="/partners/${String(theirs)}"`)
      .and.contain('worked with by Bea Autre');
    expect(await PartnerModel.countDocuments()).to.equal(1);
    const created = await postForm(agent, '/partners', { ...fields, confirmDuplicate: 'yes' }, '/partners/new');
    expect(created.status).to.equal(302);
    const mine = String(created.headers.location);
    const myPage = section((await agent.get(mine)).text, 'same-organization');
    expect(myPage)
      .to.contain('Another record of this organization')
      .and.contain(`href="/partners/${String(theirs)}"`)
      .and.contain('Bea Autre');
    const theirPage = (await agent.get(`/partners/${String(theirs)}`)).text;
    expect(section(theirPage, 'same-organization')).to.contain(`href="${mine}"`).and.contain('Ana Moi');
    // Their partner's agreements say who owns each one.
    expect(section(theirPage, 'agreements')).to.contain('Their agreement').and.contain('Bea Autre');
  });

  it('a partner with no other record of the same organization shows nothing of the kind', async () => {
    const me = await createUser({ locale: 'en' });
    const p = await makePartner(me, 'Seul au monde');
    const page = await (await signIn(app, me)).get(`/partners/${String(p)}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.contain('id="same-organization"');
  });
});
