// The signed-in user's day: today's and this week's meetings, tasks due, progress checks due, and
// recent activity on their partners.
import { partnerDirectory } from '../partners/directory.js';
import { Router } from 'express';
import { DateTime } from 'luxon';
import { config } from '../config.js';
import { meetingsBetween, partnerNames } from '../meetings/service.js';
import { overdueChecks } from '../progress/schedule.js';
import { dayIn } from '../util/formats.js';
import { recentActivity } from '../audit/service.js';
import { openTasksDueBefore } from '../tasks/service.js';

export const homeRouter = Router();

homeRouter.get('/', async (req, res) => {
  const user = req.user!;
  const zone = user.timezone ?? config.defaultTimezone;
  const now = DateTime.now().setZone(zone);
  const weekEnd = now.startOf('day').plus({ days: 7 });
  const [meetings, tasks, checks, myPartners] = await Promise.all([
    meetingsBetween(now.startOf('day').toJSDate(), weekEnd.toJSDate(), { scope: 'mine', userId: user._id }),
    openTasksDueBefore(user._id, weekEnd.toJSDate()),
    overdueChecks({ userId: user._id, now: now.toJSDate(), within: 7 }),
    partnerDirectory().then((all) => all.filter((p) => !p.archived && String(p.ownerId) === String(user._id)).slice(0, 500)),
  ]);
  const activity = myPartners.length
    ? await recentActivity(
        'partner',
        myPartners.map((p) => p._id),
        10,
      )
    : [];
  const today = now.toISODate();
  const dayOf = (d: Date) => dayIn(zone, d);
  res.render('home/index', {
    title: req.t('home:title'),
    todayMeetings: meetings.filter((m) => dayOf(m.start) === today),
    weekMeetings: meetings.filter((m) => dayOf(m.start) !== today),
    tasks,
    checks,
    activity,
    partnerNames: new Map([
      ...myPartners.map((p) => [String(p._id), p.name] as const),
      ...(await partnerNames(meetings.map((m) => m.partnerId))),
    ]),
    now: now.toJSDate(),
  });
});
