// The month calendar and the private calendar feed: what a person's own calendar app subscribes to.
import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { config } from '../config.js';
import { flash } from '../http/flash.js';
import { refusedTo } from '../http/refusal.js';
import { dateFormat, dayIn, intlLocale } from '../util/formats.js';
import { pushTo } from '../util/group.js';
import type { ListedMeeting } from './directory.js';
import { listQuerySchema } from './schemas.js';
import { createFeedToken, feedIcs, hasActiveFeed, meetingsBetween, revokeFeedTokens } from './service.js';

/** Signed-in routes; mounted before the meetings router, whose `/meetings/:id` would take `calendar`. */
export const meetingCalendarRouter = Router();
/** The feed itself, reached by its secret token without a session. */
export const calendarFeedRouter = Router();

const zoneOf = (req: Request) => req.user?.timezone ?? config.defaultTimezone;

meetingCalendarRouter.get('/meetings/calendar', async (req, res) => {
  const { scope, month } = listQuerySchema.parse(req.query);
  const zone = zoneOf(req);
  const first = month ? DateTime.fromISO(`${month}-01`, { zone }) : DateTime.now().setZone(zone).startOf('month');
  const gridStart = first.minus({ days: first.weekday - 1 });
  const gridEnd = first
    .endOf('month')
    .plus({ days: 7 - first.endOf('month').weekday })
    .endOf('day');
  const meetings = await meetingsBetween(gridStart.toJSDate(), gridEnd.toJSDate(), { scope, userId: req.user!._id });
  const byDay = new Map<string, ListedMeeting[]>();
  for (const m of meetings) {
    pushTo(byDay, dayIn(zone, m.start), m);
  }
  const weeks: { date: string; day: number; inMonth: boolean; meetings: ListedMeeting[] }[][] = [];
  for (let d = gridStart; d <= gridEnd; d = d.plus({ days: 1 })) {
    if (d.weekday === 1) weeks.push([]);
    weeks[weeks.length - 1]!.push({
      date: d.toISODate()!,
      day: d.day,
      inMonth: d.month === first.month,
      meetings: byDay.get(d.toISODate()!) ?? [],
    });
  }
  const locale = intlLocale(req.language);
  res.render('meetings/calendar', {
    title: req.t('meetings:calendar.title'),
    monthLabel: first.setLocale(locale).toFormat('LLLL yyyy'),
    prevMonth: first.minus({ months: 1 }).toFormat('yyyy-MM'),
    nextMonth: first.plus({ months: 1 }).toFormat('yyyy-MM'),
    weekdays: Array.from({ length: 7 }, (_, i) => gridStart.plus({ days: i }).setLocale(locale).toFormat('ccc')),
    weeks,
    scope,
    today: DateTime.now().setZone(zone).toISODate(),
    // The clock as the reader's language writes it (10 h 00, 10:00 a.m.).
    timeOf: (d: Date) => dateFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: zone }).format(d),
  });
});

// The profile page shows the feed section (partial views/meetings/feed-section.ejs).
meetingCalendarRouter.get('/profile', async (req, res, next) => {
  res.locals.calendarFeedActive = await hasActiveFeed(req.user!._id);
  next();
});

meetingCalendarRouter.post('/calendar/feed', refusedTo('/profile'), async (req, res) => {
  const token = await createFeedToken(req.user!);
  res.render('meetings/feed-created', { title: req.t('meetings:feed.title'), feedUrl: `${config.baseUrl}/calendar/feed/${token}.ics` });
});

meetingCalendarRouter.post('/calendar/feed/revoke', refusedTo('/profile'), async (req, res) => {
  await revokeFeedTokens(req.user!);
  flash(req, 'success', 'meetings:feed.revoked');
  res.redirect('/profile');
});

calendarFeedRouter.get('/calendar/feed/:token.ics', async (req, res) => {
  const text = await feedIcs(String(req.params.token));
  if (!text) return res.status(404).type('text/plain').send('Not found');
  res.setHeader('Cache-Control', 'private, no-store');
  res.type('text/calendar; charset=utf-8').send(text);
});
