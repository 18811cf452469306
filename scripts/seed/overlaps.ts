// Demo data: what the overlap flags show — a draft, by another professional, with the partner of an
// active agreement and close objectives and resources; a second record of a partner, owned by
// someone else (the kind a professional creates anyway after the duplicate warning).
import { Types } from 'mongoose';
import { AgreementModel } from '../../src/agreements/model.js';
import { completeness } from '../../src/agreements/completeness.js';
import { PartnerModel } from '../../src/partners/model.js';
import { derivedFields } from '../../src/partners/derived.js';

export async function seedOverlaps(owners: Types.ObjectId[]): Promise<number> {
  const active = await AgreementModel.findOne({ status: 'active', archived: false }).sort({ startDate: 1 }).lean();
  if (!active) return 0;
  const otherOwner = owners.find((o) => !o.equals(active.ownerId)) ?? active.ownerId;
  const { _id: _a, createdAt: _c, updatedAt: _u, ...copy } = active;
  const draft = {
    ...copy,
    title: 'Projet : insertion des jeunes 2027',
    status: 'draft' as const,
    ownerId: otherOwner,
    teamIds: [],
    objectives: [{ text: 'Placer 30 jeunes en emploi' }, { text: 'Animer un club de recherche d’emploi' }],
    resources: [{ what: 'Salles de réunion', providerPartnerId: null, forWhom: 'Jeunes' }],
    kpis: copy.kpis.map((k) => ({ ...k, _id: new Types.ObjectId(), latestValue: null, latestAt: null, status: 'no_data' as const })),
    approvedById: null,
    approvedAt: null,
    signatories: [],
    renewedFromId: null,
    renewedToId: null,
    rev: 0,
  };
  await AgreementModel.create({ ...draft, completeness: completeness(draft).score });
  const partner = (await PartnerModel.findById(active.partnerIds[0]).lean())!;
  const second = { name: partner.name, website: partner.website ?? '', contacts: [], resources: [] };
  await PartnerModel.create({
    ...second,
    ...derivedFields(second),
    type: partner.type,
    region: partner.region,
    ownerId: otherOwner,
    stage: 'identified',
    rev: 0,
  });
  return 2;
}
