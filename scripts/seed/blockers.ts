// Demo data: blockers on a few active agreements, raised from their latest progress check — one open
// long enough to be escalated to the managers, one recent and shared with the partners, one resolved.
import { AgreementModel } from '../../src/agreements/model.js';
import { BlockerModel } from '../../src/blockers/model.js';
import { ProgressCheckModel } from '../../src/progress/model.js';

const DAY = 86400_000;

export async function seedBlockers(now = new Date()): Promise<number> {
  const active = await AgreementModel.find({ status: 'active', archived: false }, { ownerId: 1, kpis: 1, objectives: 1 }).limit(3).lean();
  const docs = await Promise.all(
    active.map(async (a, i) => {
      const check = await ProgressCheckModel.findOne({ agreementId: a._id, source: 'team' }, { _id: 1 }).sort({ periodEnd: -1 }).lean();
      const kpi = a.kpis[0];
      const objective = a.objectives[0];
      const base = {
        agreementId: a._id,
        source: check ? 'check' : 'agreement',
        sourceId: check?._id ?? null,
        raisedById: a.ownerId,
        raisedByName: 'Démo',
      };
      return [
        {
          ...base,
          what: 'Le local prévu pour les ateliers n’est plus disponible le samedi.',
          hurtsKind: kpi ? 'kpi' : null,
          hurtsId: kpi?._id ?? null,
          hurtsLabel: kpi?.name ?? '',
          unblockBy: 'La direction du partenaire',
          raisedAt: new Date(now.getTime() - (30 - i * 12) * DAY),
          shared: i === 1,
        },
        ...(i === 0
          ? [
              {
                ...base,
                what: 'Les rôles de chacun au comité de suivi restent à préciser.',
                hurtsKind: objective ? 'objective' : null,
                hurtsId: objective?._id ?? null,
                hurtsLabel: objective?.text ?? '',
                unblockBy: 'Le comité directeur',
                raisedAt: new Date(now.getTime() - 40 * DAY),
                status: 'resolved',
                resolvedAt: new Date(now.getTime() - 20 * DAY),
                resolvedByName: 'Démo',
                resolution: 'Une entente sur les rôles a été adoptée à la rencontre de septembre.',
              },
            ]
          : []),
      ];
    }),
  );
  const rows = docs.flat();
  if (rows.length) await BlockerModel.insertMany(rows);
  return rows.length;
}
