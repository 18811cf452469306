// Step 4: a weekly series of planning meetings with the partner's two contacts; one occurrence moved,
// one cancelled. What each contact receives is read as they would: the mail, and its calendar file.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { flashed, readPage, signIn, type Journey } from '../journey.js';
import { today, ZONE } from '../dates.js';
import {
  events,
  expectReadsAsCancellation,
  expectSequencesIncrease,
  local,
  method,
  received,
  rsvpPath,
} from '../../helpers/meeting-mail.js';
import { deliverUntilIdle } from '../../../src/reminders/deliver.js';
import '../../../src/reminders/jobs.js';

const COUNT = 4;
// French typography puts a (narrow) no-break space before a colon; the reader sees a space.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

export async function meetingSeries(j: Journey): Promise<void> {
  const { page, w } = j;
  // Four weeks ahead, on a Wednesday: the series is in the future whenever the journey runs.
  const first = today().plus({ weeks: 4 }).set({ weekday: 3, hour: 9 });
  const occurrences = [0, 1, 2, 3].map((n) => first.plus({ weeks: n }));
  await signIn(j, j.pro);
  await page.goto(`${j.url}/agreements/${j.agreementId}`);
  await page.getByRole('link', { name: w.scheduleMeeting }).first().click();
  await page.getByRole('heading', { level: 1, name: w.scheduleMeeting }).waitFor();
  await readPage(j);
  // The agreement's meeting cadence is offered; the partner and the agreement are chosen.
  expect(await page.locator('#field-cadence').inputValue()).to.equal('weekly');
  expect(await page.locator('#field-agreementId option:checked').innerText()).to.equal(j.agreementTitle);
  await page.locator('#field-kind').selectOption('planning');
  await page.locator('#field-title').fill(w.meetingTitle);
  await page.locator('#field-date').fill(first.toISODate()!);
  await page.locator('#field-time').fill('09:00');
  await page.locator('#field-durationMinutes').fill('60');
  await page.locator('#field-zone').selectOption(ZONE);
  await page.locator('#field-endMode').selectOption('count');
  await page.locator('#field-count').fill(String(COUNT));
  for (const c of j.contacts) await page.getByLabel(`${c.name} (${j.partner})`).check();
  await page.getByRole('button', { name: w.scheduleSubmit, exact: true }).click();
  await flashed(j, w.meetingScheduled);
  const series = page.getByRole('heading', { name: w.seriesHeading }).locator('xpath=..').getByRole('listitem');
  expect(await series.count()).to.equal(COUNT);
  await deliverUntilIdle();

  // The second meeting moves a day later, an hour later; the third is cancelled.
  const moved = occurrences[1]!.plus({ days: 1, hours: 1 });
  await openOccurrence(j, 1);
  const change = page.locator('form[action$="/occurrence"]');
  await change.locator('#field-date').fill(moved.toISODate()!);
  await change.locator('#field-time').fill('10:00');
  await change.locator('#field-scope').selectOption('one');
  await change.getByRole('button', { name: w.save, exact: true }).click();
  await flashed(j, w.meetingUpdated);
  await deliverUntilIdle();

  await openOccurrence(j, 2);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: w.cancelOccurrence, exact: true }).click();
  await flashed(j, w.meetingCancelled);
  await deliverUntilIdle();

  const ical = (d: DateTime) => `${d.toFormat("yyyyMMdd'T'HHmmss")} ${ZONE}`;
  const longDate = (d: DateTime) => d.setLocale(j.lang === 'fr' ? 'fr-CA' : 'en-CA').toLocaleString(DateTime.DATE_FULL);
  for (const c of j.contacts) {
    const mails = received(c.email);
    expect(
      mails.map((m) => m.subject),
      c.email,
    ).to.have.length(3);
    const [invitation, update, cancellation] = mails;
    // The invitation: a REQUEST for the whole series, in the contact's language, with answer buttons.
    expect(plain(invitation!.subject).startsWith(w.invitationSubject(w.meetingTitle)), invitation!.subject).to.equal(true);
    expect(method(invitation!)).to.equal('REQUEST');
    const [seriesEv] = events(invitation!);
    expect(String(seriesEv!.getFirstPropertyValue('rrule'))).to.contain(`COUNT=${COUNT}`);
    expect(local(seriesEv!, 'dtstart')).to.equal(ical(first));
    expect(invitation!.text).to.contain(w.attend);
    expect(rsvpPath(invitation!)).to.not.equal('');
    // The move: an updated REQUEST for that occurrence only, named by its original start.
    expect(plain(update!.subject).startsWith(w.updateSubject(w.meetingTitle)), update!.subject).to.equal(true);
    expect(method(update!)).to.equal('REQUEST');
    const movedEv = events(update!).find((e) => e.getFirstProperty('recurrence-id'));
    expect(local(movedEv!, 'recurrence-id')).to.equal(ical(occurrences[1]!));
    expect(local(movedEv!, 'dtstart')).to.equal(ical(moved.set({ hour: 10 })));
    // The cancellation: reads as one (no invitation wording, no answer button), METHOD:CANCEL.
    expect(plain(cancellation!.subject).startsWith(w.cancelSubject(w.meetingTitle)), cancellation!.subject).to.equal(true);
    expectReadsAsCancellation(cancellation!, j.lang);
    expect(cancellation!.text).to.contain(longDate(occurrences[2]!));
    const cancelledEv = events(cancellation!);
    expect(cancelledEv).to.have.length(1);
    expect(local(cancelledEv[0]!, 'recurrence-id')).to.equal(ical(occurrences[2]!));
    expect(cancelledEv[0]!.getFirstPropertyValue('status')).to.equal('CANCELLED');
    // Each message states a later revision of the series than the one before.
    const seqs = [...expectSequencesIncrease(mails).values()];
    expect(seqs).to.have.length(1);
    expect(seqs[0]).to.have.length(3);
  }
}

/** Opens the n-th meeting of the series from the list on the page (waiting for that page, not the current one). */
async function openOccurrence(j: Journey, n: number): Promise<void> {
  const link = j.page.getByRole('heading', { name: j.w.seriesHeading }).locator('xpath=..').getByRole('listitem').nth(n).getByRole('link');
  const href = (await link.getAttribute('href'))!;
  await link.click();
  await j.page.waitForURL((u) => u.pathname === href);
  await readPage(j);
}
