import { expect } from 'chai';
import type { Express } from 'express';
import { parse } from 'node-html-parser';
import { createUser, makeApp, postForm, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { foldText } from '../../src/util/text.js';

// Amounts typed the way the app prints them, in the user's language, are read back; an amount that
// could mean two numbers is refused with the expected form, and nothing is stored.
describe('number input in the user’s language (agreement amounts)', () => {
  let app: Express;

  const setUp = async (locale: 'fr' | 'en') => {
    const user: TestUser = await createUser({ role: 'admin', locale });
    const agent: Agent = await signIn(app, user);
    const lead = await PartnerModel.create({
      name: 'Lead',
      nameFolded: foldText('Lead'),
      searchFolded: foldText('Lead'),
      type: 'community',
      ownerId: user._id,
    });
    const a = await AgreementModel.create({ title: 'Entente', partnerIds: [lead._id], ownerId: user._id, status: 'draft' });
    const edit = (total: string, value = '') =>
      postForm(
        agent,
        `/agreements/${String(a._id)}/edit/funding`,
        { rev: String(a.rev), total, currency: 'CAD', party: [''], kind: ['cash'], value: [value], description: [value ? 'Salaires' : ''] },
        `/agreements/${String(a._id)}/edit/funding`,
      );
    const stored = async () => (await AgreementModel.findById(a._id).lean())!.funding;
    return { edit, stored };
  };

  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
  });

  it('when French and the total is "25 000,00" with a narrow no-break space, then 25000 is stored', async () => {
    const { edit, stored } = await setUp('fr');
    const res = await edit('25\u202f000,00', '12\u00a0500,50');
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    const funding = await stored();
    expect(funding?.total).to.equal(25000);
    expect(funding?.contributions?.[0]?.value).to.equal(12500.5);
  });

  it('when English and the total is "25,000.00", then 25000 is stored', async () => {
    const { edit, stored } = await setUp('en');
    const res = await edit('25,000.00', '12,500.50');
    expect(res.status).to.equal(302);
    const funding = await stored();
    expect(funding?.total).to.equal(25000);
    expect(funding?.contributions?.[0]?.value).to.equal(12500.5);
  });

  it('when French and the total is "1.234", then 422 with the French example, the text kept, and nothing stored', async () => {
    const { edit, stored } = await setUp('fr');
    const res = await edit('1.234');
    expect(res.status).to.equal(422);
    const page = parse(res.text);
    const message = page.querySelector('#field-total-error')?.textContent.trim() ?? '';
    expect(message.replace(/\s/g, ' ')).to.equal('Entrez un nombre, par exemple 25 000,50.');
    expect(page.querySelector('#field-total')?.getAttribute('value')).to.equal('1.234');
    expect((await stored())?.total ?? null).to.equal(null);
  });

  it('when English and the total is "1,234,5", then 422 with the English example and nothing stored', async () => {
    const { edit, stored } = await setUp('en');
    const res = await edit('1,234,5');
    expect(res.status).to.equal(422);
    expect(parse(res.text).querySelector('#field-total-error')?.textContent.trim()).to.equal('Enter a number, for example 25,000.50.');
    expect(parse(res.text).querySelector('#field-total')?.getAttribute('value')).to.equal('1,234,5');
    expect((await stored())?.total ?? null).to.equal(null);
  });
});
