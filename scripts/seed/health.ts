// Demo data: progress checks of the active agreements rated from both sides — two team checks a
// quarter apart and, for the latest follow-up round, the lead partner's first contact's answer.
// Every third agreement's partner sees trust and clarity of roles lower than the team does, so the
// health page and the dashboard have a gap to flag.
import { AgreementModel } from '../../src/agreements/model.js';
import { PartnerModel } from '../../src/partners/model.js';
import { healthDimensions, type HealthDimension } from '../../src/progress/constants.js';
import { ProgressCheckModel } from '../../src/progress/model.js';
import { refreshNextCheckDue } from '../../src/progress/schedule.js';
import { UserModel } from '../../src/users/model.js';

const DAY = 86400_000;
type Health = Record<HealthDimension, number>;
const scoreOf = (h: Health) => healthDimensions.reduce((s, d) => s + h[d], 0);

export async function seedHealth(now = new Date()): Promise<number> {
  const active = await AgreementModel.find({ status: 'active', archived: false }, { partnerIds: 1, ownerId: 1 }).lean();
  const partners = await PartnerModel.find({ _id: { $in: active.map((a) => a.partnerIds[0]) } }, { name: 1, contacts: 1 }).lean();
  const byId = new Map(partners.map((p) => [String(p._id), p]));
  const users = await UserModel.find({ _id: { $in: active.map((a) => a.ownerId) } }, { name: 1 }).lean();
  const names = new Map(users.map((u) => [String(u._id), u.name]));
  const docs = active.flatMap((a, i) => {
    const team: Health = { trust: 4, communication: 3 + (i % 2), sharedGoals: 4, roles: 3 + (i % 3 ? 1 : 0), mutualBenefit: 4 };
    const earlier: Health = { ...team, communication: 3, sharedGoals: 3 };
    const theirs: Health = i % 3 === 0 ? { ...team, trust: 2, roles: 1 } : { ...team, communication: Math.min(5, team.communication + 1) };
    const lead = byId.get(String(a.partnerIds[0]));
    const contact = lead?.contacts[0];
    const check = (end: number, health: Health) => ({
      agreementId: a._id,
      partnerIds: a.partnerIds,
      periodStart: new Date(now.getTime() - (end + 90) * DAY),
      periodEnd: new Date(now.getTime() - end * DAY),
      status: scoreOf(health) >= 19 ? 'on_track' : 'at_risk',
      progress: 'Les activités prévues avancent.',
      health,
      healthScore: scoreOf(health),
      source: 'team',
      recordedById: a.ownerId,
      recordedByName: names.get(String(a.ownerId)) ?? '',
    });
    const answer = contact && {
      agreementId: a._id,
      partnerIds: [lead._id],
      periodStart: new Date(now.getTime() - 14 * DAY),
      periodEnd: new Date(now.getTime() - 8 * DAY),
      round: new Date(now.getTime() - 14 * DAY),
      status: scoreOf(theirs) >= 19 ? 'on_track' : scoreOf(theirs) >= 12 ? 'at_risk' : 'off_track',
      progress: 'Bonne collaboration sur le terrain.',
      challenges: i % 3 === 0 ? 'Les rôles de chacun restent flous depuis le changement de coordination.' : '',
      health: theirs,
      healthScore: scoreOf(theirs),
      source: 'partner',
      contactId: contact._id,
      recordedByName: `${contact.name} (${lead.name})`,
    };
    return [check(100, earlier), check(10, team), ...(answer ? [answer] : [])];
  });
  for (let s = 0; s < docs.length; s += 2000) await ProgressCheckModel.insertMany(docs.slice(s, s + 2000));
  // The next check is due one period after the latest team check, as after a check recorded in the app.
  for (const a of active) await refreshNextCheckDue(a._id);
  return docs.length;
}
