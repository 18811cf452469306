// The private calendar feed: a secret URL per user that calendar apps subscribe to.
import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { config } from '../config.js';
import { recordAudit, type Actor } from '../audit/service.js';
import { activeUserName } from '../users/people.js';
import { addSeries, addSingle, newCalendar } from './ics.js';
import { meetingScopeFilter } from './listing.js';
import { CalendarFeedModel, MeetingModel, MeetingSeriesModel } from './model.js';

const baseUrl = () => config.baseUrl.replace(/\/$/, '');
const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Creates (or replaces) the user's feed token; the clear token is returned once, only its hash is kept. */
export async function createFeedToken(actor: Actor): Promise<string> {
  await CalendarFeedModel.updateMany({ userId: actor._id, revoked: false }, { $set: { revoked: true } });
  const token = crypto.randomBytes(24).toString('base64url');
  const feed = await CalendarFeedModel.create({ userId: actor._id, tokenHash: hashToken(token) });
  await recordAudit({ actor, entity: 'calendarFeed', entityId: feed._id, action: 'create' });
  return token;
}

export async function revokeFeedTokens(actor: Actor): Promise<void> {
  const feeds = await CalendarFeedModel.find({ userId: actor._id, revoked: false }, { _id: 1 }).lean();
  await CalendarFeedModel.updateMany({ userId: actor._id, revoked: false }, { $set: { revoked: true } });
  for (const f of feeds) await recordAudit({ actor, entity: 'calendarFeed', entityId: f._id, action: 'revoke' });
}

export const hasActiveFeed = async (userId: Types.ObjectId) => (await CalendarFeedModel.countDocuments({ userId, revoked: false })) > 0;

/** The feed of a token's user (meetings they own or attend, a year back and two ahead), or null. */
export async function feedIcs(token: string, now = new Date()): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const feed = await CalendarFeedModel.findOne({ tokenHash: hashToken(token), revoked: false }).lean();
  if (!feed) return null;
  const user = await activeUserName(feed.userId);
  if (!user) return null;
  const from = DateTime.fromJSDate(now).minus({ years: 1 }).toJSDate();
  const to = DateTime.fromJSDate(now).plus({ years: 2 }).toJSDate();
  // The feed needs whole meetings (attendees, place, link): read from the collection.
  const meetings = await MeetingModel.find({
    ...(await meetingScopeFilter({ scope: 'mine', userId: user._id, includeCancelled: true })),
    start: { $gte: from, $lt: to },
  })
    .sort({ start: 1 })
    .limit(1000)
    .lean();
  const cal = newCalendar(`Passerelle — ${user.name}`);
  const seriesIds = [...new Set(meetings.filter((m) => m.seriesId).map((m) => String(m.seriesId)))].map((s) => new Types.ObjectId(s));
  const [series, occ] = await Promise.all([
    seriesIds.length ? MeetingSeriesModel.find({ _id: { $in: seriesIds } }).lean() : [],
    seriesIds.length
      ? MeetingModel.find({ seriesId: { $in: seriesIds }, archived: false })
          .sort({ start: 1 })
          .lean()
      : [],
  ]);
  for (const s of series)
    addSeries(
      cal,
      s,
      occ.filter((o) => String(o.seriesId) === String(s._id)),
      baseUrl(),
    );
  for (const m of meetings) if (!m.seriesId) addSingle(cal, m, baseUrl());
  return cal.toString();
}
