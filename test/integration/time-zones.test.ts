import { expect } from 'chai';
import type { Express } from 'express';
import { parse } from 'node-html-parser';
import { createUser, makeApp, postForm, signIn } from '../helpers/app.js';
import { clearDatabase } from '../helpers/db.js';
import { config } from '../../src/config.js';
import { UserModel } from '../../src/users/model.js';
import { timeZoneGroups } from '../../src/util/time-zones.js';

const groupsOf = (html: string, id: string) =>
  parse(html)
    .querySelectorAll(`select#${id} optgroup`)
    .map((g) => ({
      label: g.getAttribute('label'),
      options: g.querySelectorAll('option').map((o) => [o.getAttribute('value'), o.textContent]),
    }));

// The time-zone selects: one list, grouped by region, the organization's default zone first.
describe('time zones grouped by region, the organization’s default first', () => {
  let app: Express;
  beforeEach(async () => {
    app ??= await makeApp();
    await clearDatabase();
  });

  it('builds the default group first, then each region once, each zone once, ids shown with spaces for underscores', () => {
    const groups = timeZoneGroups('America/Toronto');
    expect(groups[0]).to.deep.equal({ region: 'default', options: [{ value: 'America/Toronto', label: 'America/Toronto' }] });
    expect(groups.map((g) => g.region)).to.include.members(['Africa', 'America', 'Asia', 'Europe', 'Pacific', 'Other']);
    const values = groups.flatMap((g) => g.options.map((o) => o.value));
    expect(new Set(values).size).to.equal(values.length);
    expect(values).to.include('UTC');
    const pos = groups.flatMap((g) => g.options).find((o) => o.value === 'America/Port_of_Spain');
    expect(pos?.label).to.equal('America/Port of Spain');
    for (const g of groups.slice(1)) for (const o of g.options) if (g.region !== 'Other') expect(o.value.split('/')[0]).to.equal(g.region);
  });

  it('when the profile is shown in English, then its select has the default group first and regions as optgroups, the user’s zone selected', async () => {
    const user = await createUser({ locale: 'en' });
    await UserModel.updateOne({ _id: user._id }, { $set: { timezone: 'Europe/Paris' } });
    const agent = await signIn(app, user);
    const page = await agent.get('/profile');
    const groups = groupsOf(page.text, 'field-timezone');
    expect(groups[0]).to.deep.equal({
      label: 'Organization default',
      options: [[config.defaultTimezone, config.defaultTimezone.replaceAll('_', ' ')]],
    });
    expect(groups.map((g) => g.label)).to.include.members(['Africa', 'America', 'Asia', 'Europe', 'Indian Ocean', 'Other']);
    expect(parse(page.text).querySelector('select#field-timezone option[selected]')?.getAttribute('value')).to.equal('Europe/Paris');
  });

  it('when a zone is chosen on the profile, then it validates and is saved; an unknown one is refused with 422', async () => {
    const user = await createUser({ locale: 'fr' });
    const agent = await signIn(app, user);
    const fields = { name: 'Zoé', locale: 'fr', meetingReminderHours: '' };
    const ok = await postForm(agent, '/profile', { ...fields, timezone: 'America/Argentina/San_Juan' }, '/profile');
    expect(ok.status).to.equal(302);
    expect((await UserModel.findById(user._id).lean())!.timezone).to.equal('America/Argentina/San_Juan');
    const bad = await postForm(agent, '/profile', { ...fields, timezone: 'Mars/Olympus_Mons' }, '/profile');
    expect(bad.status).to.equal(422);
    expect((await UserModel.findById(user._id).lean())!.timezone).to.equal('America/Argentina/San_Juan');
  });

  it('when a new meeting is shown in French, then its zone is the same grouped select with French region names', async () => {
    const user = await createUser({ locale: 'fr' });
    const agent = await signIn(app, user);
    const page = await agent.get('/meetings/new');
    const groups = groupsOf(page.text, 'field-zone');
    expect(groups[0]!.label).to.equal('Par défaut de l’organisation');
    expect(groups[0]!.options[0]![0]).to.equal(config.defaultTimezone);
    expect(groups.map((g) => g.label)).to.include.members(['Afrique', 'Amérique', 'Asie', 'Europe', 'Océan Indien', 'Autres']);
  });
});
