// A refused action (a RuleError on a POST) returns the user to the record the action was about, with
// the message: the app sends `Referrer-Policy: no-referrer`, so "back" cannot come from the Referer.
import { expect } from 'chai';
import type { Express, Router } from 'express';
import { makeApp, createUser, signIn, postForm, type Agent, type TestUser } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { paramsOf } from '../helpers/routes.js';
import { PartnerModel } from '../../src/partners/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import { memberRouters, publicRouters } from '../../src/routes.js';
import { refusalTarget } from '../../src/http/refusal.js';

interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] };
}
const routeLayers = (): RouteLayer[] =>
  [...publicRouters, ...memberRouters].flatMap((r: Router) => (r as unknown as { stack: RouteLayer[] }).stack).filter((l) => l.route);

describe('a refused action returns to the record it was about', () => {
  let app: Express;
  let pro: TestUser;
  let partnerId: string;

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    pro = await createUser({ role: 'professional', locale: 'en' });
    const p = await PartnerModel.create({ name: 'Centre Horizon', nameFolded: 'centre horizon', type: 'community', ownerId: pro._id });
    partnerId = String(p._id);
  });

  it('approving a signed contract without a signatory: back on the agreement page, with the reason', async () => {
    const a = await AgreementModel.create({
      title: 'Contrat de service',
      partnerIds: [partnerId],
      kind: 'contract',
      ownerId: pro._id,
      status: 'in_review',
    });
    const manager: Agent = await signIn(app, await createUser({ role: 'manager', locale: 'en' }));
    const res = await postForm(manager, `/agreements/${String(a._id)}/transition`, { action: 'approve' }, `/agreements/${String(a._id)}`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/agreements/${String(a._id)}`);
    const page = await manager.get(res.headers.location!);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('A signed contract needs at least one signatory to be approved.');
    expect((await AgreementModel.findById(a._id).lean())!.status).to.equal('in_review');
  });

  it('deleting a partner that is not archived: back on the partner page, with the reason', async () => {
    const admin = await signIn(app, await createUser({ role: 'admin', locale: 'en' }));
    const res = await postForm(admin, `/partners/${partnerId}/delete`, {}, `/partners/${partnerId}/delete`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/partners/${partnerId}`);
    const page = await admin.get(res.headers.location!);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Centre Horizon').and.contain('Archive the partner before deleting it.');
    expect(await PartnerModel.exists({ _id: partnerId })).to.not.equal(null);
  });

  it('an administrator changing her own role: back on the users page, with the reason', async () => {
    const adminUser = await createUser({ role: 'admin', locale: 'en' });
    const admin = await signIn(app, adminUser);
    const res = await postForm(admin, `/admin/users/${String(adminUser._id)}/role`, { role: 'manager' }, '/admin/users');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/admin/users');
    expect((await admin.get('/admin/users')).text).to.contain('You cannot remove your own administrator role.');
  });

  it('every POST route says where a refusal returns, and that place is a page (or the form’s own return path)', () => {
    const getPaths = new Set(
      routeLayers()
        .filter((l) => l.route!.methods.get)
        .map((l) => String(l.route!.path)),
    );
    const posts = routeLayers().filter((l) => l.route!.methods.post);
    expect(posts.length).to.be.greaterThan(40);
    const problems: string[] = [];
    for (const layer of posts) {
      const path = String(layer.route!.path);
      const targets = layer.route!.stack.map((s) => refusalTarget(s.handle)).filter((t) => t !== undefined);
      if (targets.length !== 1) {
        problems.push(`POST ${path}: ${targets.length} refusedTo(…) declarations`);
        continue;
      }
      const target = targets[0]!;
      if (target === 'dynamic') continue;
      const page = target.split(/[?#]/)[0]!;
      if (!getPaths.has(page)) problems.push(`POST ${path}: refusedTo('${target}') is not a GET page`);
      for (const p of paramsOf(target)) if (!paramsOf(path).includes(p)) problems.push(`POST ${path}: refusedTo('${target}') names :${p}`);
    }
    expect(problems).to.deep.equal([]);
  });
});
