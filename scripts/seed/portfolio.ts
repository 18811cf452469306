// Demo data: a realistic, bilingual portfolio for a first look, or a large one for benchmarks.
import { MeetingModel } from '../../src/meetings/model.js';
import { Types } from 'mongoose';
import { hashPassword } from '../../src/auth/password.js';
import { AgreementModel, KpiMeasurementModel } from '../../src/agreements/model.js';
import { completeness } from '../../src/agreements/completeness.js';
import { partnerTypes, resourceCategories, stages, type PartnerType, type Stage } from '../../src/partners/constants.js';
import { InteractionModel } from '../../src/partners/interactions.model.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { derivedFields } from '../../src/partners/derived.js';
import { SettingModel } from '../../src/settings/model.js';
import { TaskModel } from '../../src/tasks/model.js';
import { TaskTemplateModel, d3Steps } from '../../src/tasks/templates.model.js';
import { UserModel } from '../../src/users/model.js';

const names: Record<PartnerType, string[]> = {
  community: [
    'Carrefour jeunesse-emploi du Plateau',
    'Maison des familles de Verdun',
    'Newcomer Welcome Centre',
    'Centre communautaire Saint-Roch',
    'Accueil aux immigrants de l’Est',
  ],
  government: [
    'Services Québec — Laval',
    'Municipalité de Sainte-Adèle',
    'Employment Ontario Hub',
    'Ville de Gatineau — développement social',
  ],
  school: ['École secondaire Jeanne-Mance', 'Cégep du Vieux-Montréal', 'Collège Boréal', 'Lakeshore Adult Education Centre'],
  faith: ['Paroisse Saint-Jean-Baptiste', 'Mosquée Al-Rawdah — comité social', 'St. Andrew’s Community Outreach'],
  employer: ['Boulangerie Première Moisson', 'Groupe Desjardins — RH', 'Northern Logistics Inc.', 'Hôtel Le Concorde'],
  service_provider: ['Intégration Travail Outaouais', 'Option-Travail Québec', 'Accessible Careers Network'],
  health: ['CLSC Rosemont', 'Clinique communautaire Pointe-Saint-Charles', 'Mental Health Works'],
  other: ['Fondation Léa-Roback', 'Chambre de commerce de Lévis'],
};
const regions = ['Montréal', 'Laval', 'Québec', 'Outaouais', 'Laurentides', 'Toronto', 'Ottawa', 'Sudbury'];
const firstNames = ['Marie', 'Jean', 'Aïcha', 'Sophie', 'Luc', 'Émilie', 'Noah', 'Chloé', 'Omar', 'Hélène', 'Liam', 'Zoé'];
const lastNames = ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Nguyen', 'Martin', 'Lévesque', 'Singh', 'Bélanger'];
const resourcesText: Record<string, string[]> = {
  material: ['Salles de réunion', 'Meeting rooms', 'Computer lab'],
  financial: ['Fonds d’insertion', 'Small grants program'],
  knowledge: ['Conseillers en emploi', 'Career counsellors', 'Settlement expertise'],
  networks: ['Réseau d’employeurs', 'Alumni network'],
  institutions: ['Bibliothèque municipale', 'Community hall'],
  services: ['Ateliers de CV', 'Interpretation services', 'Childcare during workshops'],
};

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

export async function ensureUsers(): Promise<{ ids: Types.ObjectId[]; created: { email: string; password: string } | null }> {
  const existing = await UserModel.find({ status: 'active' }, { _id: 1 }).lean();
  if (existing.length) return { ids: existing.map((u) => u._id), created: null };
  const password = 'passerelle-demo-2026';
  const passwordHash = await hashPassword(password);
  const users = await UserModel.insertMany([
    { name: 'Administratrice Démo', email: 'admin@passerelle.local', role: 'admin', status: 'active', locale: 'fr', passwordHash },
    { name: 'Manon Gestionnaire', email: 'manager@passerelle.local', role: 'manager', status: 'active', locale: 'fr', passwordHash },
    { name: 'Paul Professional', email: 'paul@passerelle.local', role: 'professional', status: 'active', locale: 'en', passwordHash },
    { name: 'Julie Conseillère', email: 'julie@passerelle.local', role: 'professional', status: 'active', locale: 'fr', passwordHash },
  ]);
  await SettingModel.updateOne({ key: 'setup.completed' }, { $setOnInsert: { value: new Date() } }, { upsert: true });
  return { ids: users.map((u) => u._id), created: { email: 'admin@passerelle.local', password } };
}

function partnerDoc(i: number, owners: Types.ObjectId[], now: Date) {
  const type = pick(partnerTypes, i);
  const base = pick(names[type], Math.floor(i / partnerTypes.length));
  const name = i < 40 ? base : `${base} #${i}`;
  const stage: Stage = pick(stages, (i * 7) % 11 < 7 ? (i * 7) % 11 : i);
  const contacts = [0, 1].slice(0, 1 + (i % 2)).map((k) => {
    const first = pick(firstNames, i + k);
    const last = pick(lastNames, i * 3 + k);
    return {
      _id: new Types.ObjectId(),
      name: `${first} ${last}`,
      role: k ? 'Coordination' : 'Direction',
      email: `${first}.${last}.${i}@example.org`
        .toLowerCase()
        .normalize('NFD')
        .replace(/\p{Diacritic}/gu, ''),
      phone: `514-555-${String(1000 + (i % 9000))}`,
      locale: i % 3 ? 'fr' : 'en',
      emailConsent: true,
      optedOut: false,
      primary: k === 0,
    };
  });
  const cats = [pick(resourceCategories, i), pick(resourceCategories, i + 2)];
  const resources = cats.map((c, k) => ({ category: c, description: pick(resourcesText[c]!, i + k) }));
  const doc = {
    name,
    type,
    sector: type === 'employer' ? 'Hospitality' : 'Employment services',
    region: pick(regions, i),
    website: `https://partner${i}.example.org`,
    description: i % 2 ? 'Partenaire potentiel pour l’intégration en emploi.' : 'Potential partner for employment integration.',
    ownerId: pick(owners, i),
    tags: [pick(['jeunesse', 'immigration', 'handicap', 'emploi', 'youth'], i)],
    priority: pick(['low', 'medium', 'high'] as const, i),
    contacts,
    resources,
    stage,
    stageChangedAt: new Date(now.getTime() - (i % 90) * 86400_000),
    lastActivityAt: new Date(now.getTime() - (i % 120) * 86400_000),
    rev: 0,
  };
  return { ...doc, ...derivedFields(doc) };
}

export async function seedPartners(
  count: number,
  owners: Types.ObjectId[],
  onProgress: (done: number) => void,
  now = new Date(),
): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, (_, k) => partnerDoc(start + k, owners, now));
    const inserted = await PartnerModel.insertMany(batch);
    const batchIds = inserted.map((p) => p._id);
    ids.push(...batchIds);
    await StageChangeModel.insertMany(
      batch.map((p, k) => ({ partnerId: batchIds[k], from: null, to: p.stage, at: p.stageChangedAt, byName: 'seed' })),
    );
    onProgress(ids.length);
  }
  return ids;
}

export async function seedActivity(partnerIds: Types.ObjectId[], owners: Types.ObjectId[], now = new Date()) {
  const sample = partnerIds.slice(0, 60);
  await InteractionModel.insertMany(
    sample.flatMap((partnerId, i) => [
      {
        partnerId,
        kind: pick(['call', 'email', 'meeting', 'visit', 'event', 'note'] as const, i),
        date: new Date(now.getTime() - (i + 3) * 86400_000),
        summary: i % 2 ? 'Premier contact, intérêt confirmé.' : 'Discussed shared goals and next steps.',
        byName: 'Démo',
      },
    ]),
  );
  await TaskModel.insertMany(
    sample.map((partnerId, i) => ({
      title: i % 2 ? 'Envoyer la proposition d’entente' : 'Follow up on the meeting',
      ownerId: pick(owners, i),
      partnerId,
      dueDate: new Date(now.getTime() + ((i % 10) - 4) * 86400_000),
      source: 'action_plan',
    })),
  );
  if (!(await TaskTemplateModel.countDocuments({}))) {
    await TaskTemplateModel.create({
      name: 'D3 — Rencontrer des partenaires potentiels',
      items: d3Steps.fr.map(([offsetDays, title]) => ({ offsetDays, title })),
    });
    await TaskTemplateModel.create({
      name: 'D3 — Meet potential partners',
      items: d3Steps.en.map(([offsetDays, title]) => ({ offsetDays, title })),
    });
  }
}

export async function seedAgreements(
  count: number,
  partnerIds: Types.ObjectId[],
  owners: Types.ObjectId[],
  measurementsPerKpi: number,
  now = new Date(),
) {
  const year = 365 * 86400_000;
  for (let start = 0; start < count; start += 500) {
    const docs = Array.from({ length: Math.min(500, count - start) }, (_, k) => {
      const i = start + k;
      const status = pick(['active', 'active', 'active', 'draft', 'in_review', 'expired'] as const, i);
      const startDate = new Date(now.getTime() - (i % 300) * 86400_000);
      const doc = {
        title: i % 2 ? `Entente de partenariat ${i}` : `Partnership agreement ${i}`,
        partnerIds: [pick(partnerIds, i * 3), ...(i % 4 === 0 ? [pick(partnerIds, i * 3 + 1)] : [])],
        kind: pick(['memorandum', 'contract', 'letter_of_intent'] as const, i),
        language: i % 2 ? 'fr' : 'en',
        ownerId: pick(owners, i),
        status,
        startDate,
        endDate: new Date(startDate.getTime() + year),
        purpose: 'Favoriser l’intégration en emploi des personnes accompagnées.',
        governance: {
          type: 'steering_committee',
          decisionProcess: 'Consensus',
          roles: [{ partyPartnerId: null, responsibilities: 'Coordination' }],
        },
        objectives: [{ text: 'Placer 40 personnes en emploi' }, { text: 'Offrir 12 ateliers' }],
        resources: [{ what: 'Salles', providerPartnerId: null, forWhom: 'Participants' }],
        funding: {
          none: false,
          total: 20000,
          currency: 'CAD',
          contributions: [{ partyPartnerId: null, kind: 'cash', value: 20000 }],
          installments: [{ dueDate: new Date(now.getTime() + (i % 60) * 86400_000), amount: 10000, paid: i % 3 === 0 }],
        },
        communication: { channels: ['courriel', 'téléphone'], frequency: 'Mensuelle', language: 'français' },
        kpis: [
          {
            _id: new Types.ObjectId(),
            name: 'Personnes placées en emploi',
            unit: 'people',
            baseline: 0,
            target: 40,
            direction: 'increase',
            frequency: 'quarterly',
            status: pick(['on_track', 'at_risk', 'off_track', 'no_data'] as const, i),
          },
          {
            _id: new Types.ObjectId(),
            name: 'Taux d’abandon',
            unit: 'percent',
            baseline: 30,
            target: 15,
            direction: 'decrease',
            frequency: 'quarterly',
            status: pick(['on_track', 'on_track', 'at_risk'] as const, i),
          },
        ],
        followUp: {
          checkFrequency: 'quarterly',
          meetingCadence: pick(['weekly', 'biweekly', 'monthly'] as const, i),
          reportingDuties: 'Rapport trimestriel',
          nextCheckDue: new Date(now.getTime() + ((i % 40) - 10) * 86400_000),
        },
        statusChangedAt: startDate,
      };
      return { ...doc, completeness: completeness(doc).score };
    });
    const inserted = await AgreementModel.insertMany(docs);
    if (measurementsPerKpi > 0) {
      const rows = inserted.flatMap((a) =>
        a.kpis.flatMap((kpi) =>
          Array.from({ length: measurementsPerKpi }, (_, m) => ({
            agreementId: a._id,
            kpiId: kpi._id,
            value: kpi.baseline + ((kpi.target - kpi.baseline) * (m + 1)) / (measurementsPerKpi + 2),
            periodEnd: new Date(now.getTime() - (measurementsPerKpi - m) * 30 * 86400_000),
            recordedByName: 'seed',
          })),
        ),
      );
      for (let s = 0; s < rows.length; s += 2000) await KpiMeasurementModel.insertMany(rows.slice(s, s + 2000));
    }
  }
}

/** Meetings spread over the past and coming year (planning and progress checks), in batches. */
export async function seedMeetings(
  count: number,
  partnerIds: Types.ObjectId[],
  owners: Types.ObjectId[],
  onProgress: (done: number) => void,
) {
  const now = Date.now();
  const kinds = ['exploration', 'planning', 'progress_check', 'review', 'other'] as const;
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - i) }, (_, k) => {
      const n = i + k;
      // Days -365..+365 around today, 9:00 to 16:00 Toronto time (14:00–21:00 UTC).
      const start = new Date(now + ((n % 730) - 365) * 86400_000);
      start.setUTCHours(14 + (n % 8), 0, 0, 0);
      const owner = owners[n % owners.length]!;
      return {
        kind: kinds[n % kinds.length],
        title: n % 2 ? `Rencontre de planification ${n}` : `Planning meeting ${n}`,
        partnerId: partnerIds[n % partnerIds.length],
        ownerId: owner,
        start,
        end: new Date(start.getTime() + 3600_000),
        durationMinutes: 60,
        zone: 'America/Toronto',
        attendeeUserIds: [owner],
        attendees: [],
      };
    });
    await MeetingModel.insertMany(batch);
    onProgress(Math.min(count, i + 1000));
  }
}
