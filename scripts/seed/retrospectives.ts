// Demo data: each expired agreement's first KPI reached its target in a last measurement (a success
// to communicate), and the retrospectives of the expired agreements but the latest (left for the
// owner to write: its page, the partner's page and the owner's mail ask for it).
import { AgreementModel } from '../../src/agreements/model.js';
import { recordMeasurements } from '../../src/agreements/kpis.js';
import { PartnerModel } from '../../src/partners/model.js';
import { RetrospectiveModel } from '../../src/retrospectives/model.js';
import { successesOf } from '../../src/retrospectives/service.js';
import { foldText } from '../../src/util/text.js';

const DAY = 86400_000;
const lessons = [
  {
    worked: 'Les ateliers conjoints du samedi : les jeunes venaient, et le partenaire prêtait ses salles.',
    didNotWork: 'Le transport vers les sites d’emploi en région, jamais financé.',
    partnerAgain: 'yes',
    why: 'Un partenaire fiable et engagé ; prévoir un budget de transport dès la prochaine entente.',
    communicate: 'Infolettre de l’organisme et rapport annuel du partenaire.',
  },
  {
    worked: 'Referrals came quickly once the intake form was shared.',
    didNotWork: 'Roles on the steering committee were never clear; meetings were often cancelled.',
    partnerAgain: 'maybe',
    why: 'Worth it only with a named contact on their side and a clear governance from the start.',
    communicate: '',
  },
  {
    worked: '',
    didNotWork: 'Les objectifs communs n’ont jamais été précisés ; les rapports trimestriels arrivaient en retard.',
    partnerAgain: 'no',
    why: 'Les priorités du partenaire ont changé ; mieux vaut se tourner vers un autre organisme du secteur.',
    communicate: '',
  },
] as const;

export async function seedRetrospectives(now = new Date()): Promise<number> {
  const ids = await AgreementModel.find({ status: 'expired', archived: false }, { _id: 1, kpis: 1 })
    .sort({ startDate: 1 })
    .limit(30)
    .lean();
  for (const a of ids) {
    const kpi = a.kpis[0];
    if (kpi)
      await recordMeasurements(
        a._id,
        [{ kpiId: kpi._id, value: kpi.target, periodEnd: new Date(now.getTime() - 10 * DAY), recordedByName: 'Démo' }],
        now,
      );
  }
  const expired = await AgreementModel.find({ _id: { $in: ids.map((a) => a._id) } })
    .sort({ startDate: 1 })
    .lean();
  const written = expired.slice(0, -1);
  const partners = new Map(
    (await PartnerModel.find({ _id: { $in: written.flatMap((a) => a.partnerIds) } }, { name: 1, type: 1 }).lean()).map((p) => [
      String(p._id),
      p,
    ]),
  );
  const docs = await Promise.all(
    written.map(async (a, i) => {
      const l = lessons[i % lessons.length]!;
      const names = a.partnerIds.map((p) => partners.get(String(p))?.name ?? '').filter(Boolean);
      return {
        _id: a._id,
        agreementId: a._id,
        title: a.title,
        kind: a.kind,
        ending: 'expired',
        partnerIds: a.partnerIds,
        partnerNames: names,
        partnerType: partners.get(String(a.partnerIds[0]))?.type ?? '',
        ownerId: a.ownerId,
        ...l,
        successes: await successesOf(a),
        searchFolded: foldText([a.title, ...names, l.worked, l.didNotWork, l.why, l.communicate].join(' ')),
        writtenById: a.ownerId,
        writtenByName: 'Démo',
        writtenAt: new Date(now.getTime() - (i + 1) * 7 * DAY),
      };
    }),
  );
  if (docs.length) await RetrospectiveModel.insertMany(docs);
  return docs.length;
}
