// Partners and complete agreements straight in the database, for the agreement tests.
import type { Types } from 'mongoose';
import { PartnerModel } from '../../src/partners/model.js';
import { AgreementModel } from '../../src/agreements/model.js';
import type { TestUser } from './app.js';
import type { PartnerType } from '../../src/partners/constants.js';

export async function makePartner(owner: TestUser, name: string, type: PartnerType = 'community') {
  const p = await PartnerModel.create({ name, nameFolded: name.toLowerCase(), type, ownerId: owner._id });
  return p._id;
}

/** An agreement with all eight elements filled (funding: 10,000 CAD), straight in the database. */
export async function fullAgreement(owner: TestUser, partnerIds: Types.ObjectId[], extra: Record<string, unknown> = {}) {
  return AgreementModel.create({
    title: 'Mentoring for newcomers',
    partnerIds,
    kind: 'memorandum',
    language: 'en',
    ownerId: owner._id,
    purpose: 'Help newcomers into jobs',
    governance: {
      type: 'joint_working_group',
      decisionProcess: 'Consensus',
      roles: [{ partyPartnerId: partnerIds[0], responsibilities: 'Hosts' }],
    },
    objectives: [{ text: 'Place 40 people' }],
    resources: [{ what: 'Rooms', providerPartnerId: partnerIds[0], forWhom: 'Clients' }],
    funding: { total: 10000, currency: 'CAD', contributions: [{ partyPartnerId: null, kind: 'cash', value: 10000 }] },
    communication: { channels: ['email'], frequency: 'Monthly' },
    kpis: [{ name: 'People placed', baseline: 0, target: 40, direction: 'increase' }],
    followUp: { checkFrequency: 'quarterly', meetingCadence: 'monthly' },
    completeness: 8,
    ...extra,
  });
}
