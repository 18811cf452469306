import { notifyMeetingChange, notifySeriesSplit } from '../reminders/meetings.js';
import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { config } from '../config.js';
import { flash } from '../http/flash.js';
import { orNotFound, parseId } from '../http/ids.js';
import { pageFrom, pagination } from '../http/paginate.js';
import { formValues, parseFormNumber, parseInput } from '../http/validate.js';
import { type MeetingDoc } from './model.js';
import { meetingKinds } from './constants.js';
import { conflictOrThrow, RevisionConflict } from '../db/revision.js';
import { skippedTime } from './recurrence.js';
import { actionItemSchema, listQuerySchema, meetingSchema, minutesSchema, occurrenceSchema } from './schemas.js';
import { timeZoneGroups } from '../util/time-zones.js';
import {
  actionItemsFor,
  addActionItem,
  canEditMeeting,
  cancelFollowing,
  cancelMeeting,
  defaultAgenda,
  getMeeting,
  icsForMeeting,
  partnerNames,
  saveMinutes,
  seriesOccurrences,
  scheduleMeeting,
  updateMeeting,
  upcomingMeetings,
} from './service.js';
import { refusedTo } from '../http/refusal.js';
import { partnerName, partnerOptionsWithContacts } from '../partners/lookups.js';
import { activeUserNames } from '../users/people.js';
import { agreementForMeeting, agreementOptions, agreementTitle } from '../agreements/lookups.js';
import { documentPanel } from '../documents/service.js';

export const meetingsRouter = Router();

const zoneOf = (req: Request) => req.user?.timezone ?? config.defaultTimezone;

async function formOptions() {
  const [partners, agreements, users] = await Promise.all([partnerOptionsWithContacts(), agreementOptions(), activeUserNames()]);
  return { partners, agreements, users, kinds: meetingKinds, zoneGroups: timeZoneGroups(config.defaultTimezone) };
}

function pickIds(values: Record<string, string>, prefix: string): Types.ObjectId[] {
  return Object.keys(values)
    .filter((k) => k.startsWith(prefix) && /^[a-f0-9]{24}$/i.test(k.slice(prefix.length)))
    .map((k) => new Types.ObjectId(k.slice(prefix.length)));
}

// ---- Lists and calendar ---------------------------------------------------------------------------

meetingsRouter.get('/meetings', async (req, res) => {
  const { scope } = listQuerySchema.parse(req.query);
  const page = pageFrom(req.query);
  const from = DateTime.now().setZone(zoneOf(req)).startOf('day').toJSDate();
  const { items, total } = await upcomingMeetings(from, { scope, userId: req.user!._id, includeCancelled: true }, page);
  res.render('meetings/index', {
    title: req.t('meetings:list.title'),
    meetings: items,
    partners: await partnerNames(items.map((m) => m.partnerId)),
    scope,
    pager: pagination(page, total),
  });
});

// ---- Scheduling -----------------------------------------------------------------------------------

meetingsRouter.get('/meetings/new', async (req, res) => {
  const q = req.query as Record<string, unknown>;
  const partnerId = typeof q.partnerId === 'string' && /^[a-f0-9]{24}$/i.test(q.partnerId) ? new Types.ObjectId(q.partnerId) : null;
  const agreementId = typeof q.agreementId === 'string' && /^[a-f0-9]{24}$/i.test(q.agreementId) ? new Types.ObjectId(q.agreementId) : null;
  const agreement = agreementId ? await agreementForMeeting(agreementId) : null;
  const leadPartner = partnerId ?? agreement?.partnerIds[0] ?? null;
  const zone = zoneOf(req);
  const start = DateTime.now().setZone(zone).plus({ days: 1 }).startOf('day').set({ hour: 9 });
  const agenda = leadPartner
    ? await defaultAgenda({
        partnerId: leadPartner,
        agreementId: agreement?._id ?? null,
        before: start.toJSDate(),
        t: req.t,
        zone: req.user!.timezone,
      })
    : '';
  res.render('meetings/new', {
    title: req.t('meetings:new.title'),
    values: {
      kind: agreement ? 'planning' : 'exploration',
      partnerId: leadPartner ? String(leadPartner) : '',
      agreementId: agreement ? String(agreement._id) : '',
      date: start.toISODate(),
      time: '09:00',
      durationMinutes: '60',
      zone,
      cadence: agreement?.followUp?.meetingCadence || 'none',
      monthlyMode: 'date',
      endMode: 'count',
      count: '6',
      agenda,
      [`user_${req.user!.id}`]: 'on',
    },
    errors: {},
    ...(await formOptions()),
  });
});

meetingsRouter.post('/meetings', refusedTo('/meetings/new'), async (req, res) => {
  const values = formValues(req.body);
  const parsed = parseInput(meetingSchema, values, req.language);
  if (!parsed.ok)
    return res
      .status(422)
      .render('meetings/new', { title: req.t('meetings:new.title'), values, errors: parsed.errors, ...(await formOptions()) });
  const d = parsed.data;
  // A time the clocks skip is not moved behind the user's back: they confirm the time it becomes.
  const shifted = skippedTime(d.date, d.time, d.zone);
  if (shifted && values.confirmShiftedTime !== shifted)
    return res.status(422).render('meetings/new', {
      title: req.t('meetings:new.title'),
      values,
      errors: { _form: 'meetings:validation.skipped' },
      errorParams: { date: d.date, time: d.time, zone: d.zone, shifted },
      shifted,
      ...(await formOptions()),
    });
  const meeting = await scheduleMeeting(req.user!, {
    ...d,
    partnerId: new Types.ObjectId(d.partnerId),
    agreementId: d.agreementId ? new Types.ObjectId(d.agreementId) : null,
    userIds: pickIds(values, 'user_'),
    contactIds: pickIds(values, 'contact_'),
    untilDate: d.endMode === 'until' ? d.untilDate : null,
    count: d.endMode === 'count' ? parseFormNumber(d.count) : null,
  });
  await notifyMeetingChange(meeting._id, 'invite');
  flash(req, 'success', 'meetings:new.saved');
  res.redirect(`/meetings/${String(meeting._id)}`);
});

// ---- One meeting ----------------------------------------------------------------------------------

meetingsRouter.get('/meetings/:id.ics', async (req, res) => {
  const id = parseId(req.params.id);
  const text = await icsForMeeting(id, 'PUBLISH');
  res.type('text/calendar; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="meeting-${String(id)}.ics"`);
  res.send(text);
});

async function showMeeting(req: Request, extra: Record<string, unknown> = {}) {
  const m = orNotFound(await getMeeting(parseId(req.params.id)));
  const zone = m.zone;
  const [partner, agreement, tasks, users, series] = await Promise.all([
    partnerName(m.partnerId),
    m.agreementId ? agreementTitle(m.agreementId) : null,
    actionItemsFor(m._id),
    activeUserNames(),
    m.seriesId ? seriesOccurrences(m.seriesId) : [],
  ]);
  const local = DateTime.fromJSDate(m.start).setZone(zone);
  // An occurrence not yet prepared gets the suggested agenda (open items, KPI values since the previous one).
  const suggest = !m.agenda && !m.minutes && !m.cancelled;
  const agenda = suggest
    ? await defaultAgenda({
        partnerId: m.partnerId,
        agreementId: m.agreementId ?? null,
        seriesId: m.seriesId,
        before: m.start,
        t: req.t,
        zone: req.user!.timezone,
      })
    : m.agenda;
  return {
    agendaSuggested: suggest && Boolean(agenda),
    title: m.title,
    meeting: m,
    partner,
    agreement,
    tasks,
    users,
    series,
    canEdit: await canEditMeeting(req.user!, m),
    documents: await documentPanel(req.user!, 'meeting', m._id),
    scripts: ['/public/js/document-upload.js'],
    values: { agenda, minutes: m.minutes, decisions: m.decisions, itemOwnerId: req.user!.id, rev: String(m.rev ?? 0) },
    occValues: {
      title: m.title,
      date: local.toISODate(),
      time: local.toFormat('HH:mm'),
      durationMinutes: String(m.durationMinutes),
      location: m.location,
      videoUrl: m.videoUrl,
      scope: 'one',
      rev: String(m.rev ?? 0),
    },
    errors: {},
    occErrors: {},
    itemErrors: {},
    ...extra,
  };
}

meetingsRouter.get('/meetings/:id', async (req, res) => {
  res.render('meetings/show', await showMeeting(req));
});

const keptOnConflict = conflictOrThrow<MeetingDoc>;
const revOf = (c: RevisionConflict<MeetingDoc>) => String(c.current?.rev ?? '');

meetingsRouter.post('/meetings/:id/minutes', refusedTo('/meetings/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  const parsed = parseInput(minutesSchema, formValues(req.body));
  if (!parsed.ok)
    return res.status(422).render('meetings/show', await showMeeting(req, { values: formValues(req.body), errors: parsed.errors }));
  const saved = await saveMinutes(req.user!, id, parsed.data, formValues(req.body).rev).catch(keptOnConflict);
  if (saved instanceof RevisionConflict)
    return res
      .status(409)
      .render(
        'meetings/show',
        await showMeeting(req, { values: { ...formValues(req.body), rev: revOf(saved) }, errors: { _form: saved.messageKey } }),
      );
  flash(req, 'success', 'meetings:show.minutesSaved');
  res.redirect(`/meetings/${String(id)}`);
});

meetingsRouter.post('/meetings/:id/action-items', refusedTo('/meetings/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const parsed = parseInput(actionItemSchema, values);
  if (!parsed.ok) return res.status(422).render('meetings/show', await showMeeting(req, { itemValues: values, itemErrors: parsed.errors }));
  const d = parsed.data;
  const zone = zoneOf(req);
  await addActionItem(req.user!, id, {
    title: d.itemTitle,
    ownerId: new Types.ObjectId(d.itemOwnerId),
    dueDate: d.itemDueDate ? DateTime.fromISO(d.itemDueDate, { zone }).endOf('day').toJSDate() : null,
  });
  flash(req, 'success', 'meetings:show.itemAdded');
  res.redirect(`/meetings/${String(id)}#action-items`);
});

meetingsRouter.post('/meetings/:id/occurrence', refusedTo('/meetings/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  const values = formValues(req.body);
  const parsed = parseInput(occurrenceSchema, values, req.language);
  if (!parsed.ok) return res.status(422).render('meetings/show', await showMeeting(req, { occValues: values, occErrors: parsed.errors }));
  const zone = (await getMeeting(id))?.zone ?? '';
  const shifted = zone ? skippedTime(parsed.data.date, parsed.data.time, zone) : null;
  if (shifted && values.confirmShiftedTime !== shifted)
    return res.status(422).render(
      'meetings/show',
      await showMeeting(req, {
        occValues: values,
        occErrors: { _form: 'meetings:validation.skipped' },
        occErrorParams: { date: parsed.data.date, time: parsed.data.time, zone, shifted },
        occShifted: shifted,
      }),
    );
  const m = await updateMeeting(req.user!, id, parsed.data, parsed.data.scope, values.rev).catch(keptOnConflict);
  if (m instanceof RevisionConflict)
    return res
      .status(409)
      .render('meetings/show', await showMeeting(req, { occValues: { ...values, rev: revOf(m) }, occErrors: { _form: m.messageKey } }));
  // "From this date onward" answers the first meeting of a new series: the old one was cut.
  if (String(m._id) !== String(id)) await notifySeriesSplit(id, m._id);
  else await notifyMeetingChange(m._id, 'update');
  flash(req, 'success', 'meetings:show.updated');
  res.redirect(`/meetings/${String(m._id)}`);
});

meetingsRouter.post('/meetings/:id/cancel', refusedTo('/meetings/:id'), async (req, res) => {
  const id = parseId(req.params.id);
  if (formValues(req.body).scope === 'following') {
    const count = await cancelFollowing(req.user!, id);
    if (count) await notifyMeetingChange(id, 'cancelFollowing');
    flash(req, 'success', 'meetings:show.cancelledFollowing', { count });
    return res.redirect(`/meetings/${String(id)}`);
  }
  await cancelMeeting(req.user!, id);
  await notifyMeetingChange(id, 'cancel');
  flash(req, 'success', 'meetings:show.cancelled');
  res.redirect(`/meetings/${String(id)}`);
});

// ---- Calendar feed --------------------------------------------------------------------------------
