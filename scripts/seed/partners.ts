// Demo partners: a realistic bilingual portfolio (every type, stage, contacts, resources, interactions,
// tasks), or N generated ones for benchmarks, inserted in batches of 1,000.
import { Types } from 'mongoose';
import { AuditModel } from '../../src/audit/model.js';
import { partnerTypes, resourceCategories, stages, type PartnerType, type Stage } from '../../src/partners/constants.js';
import { InteractionModel } from '../../src/partners/interactions.model.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { derivedFields } from '../../src/partners/service.js';
import { TaskModel } from '../../src/tasks/model.js';
import { d3Steps } from '../../src/tasks/templates.js';
import { progressBar } from './progress.js';

export interface SeedOptions {
  owners: { _id: Types.ObjectId; name: string }[];
  /** Generated partners for benchmarks; absent: the demo portfolio. */
  count?: number;
  now?: Date;
  batchSize?: number;
}

const regions = ['Montréal', 'Laval', 'Québec', 'Gatineau', 'Sherbrooke', 'Trois-Rivières', 'Ottawa', 'Toronto', 'Moncton', 'Saguenay'];
const sectors = ['Éducation', 'Santé', 'Emploi', 'Immigration', 'Jeunesse', 'Technology', 'Manufacturing', 'Retail', 'Social services'];
const tagsPool = ['jeunesse', 'immigrants', 'stages', 'mentorat', 'youth', 'newcomers', 'internships', 'bilingue', 'rural', 'femmes'];

const demoNames: Record<PartnerType, string[]> = {
  community: [
    'Centre communautaire Hochelaga',
    'Carrefour jeunesse-emploi de Laval',
    'Maison des jeunes Côte-des-Neiges',
    'Newcomers Welcome Centre',
  ],
  government: ['Services Québec — Bureau de Gatineau', 'Ville de Sherbrooke', 'Employment Ontario — Ottawa Office'],
  school: [
    'École secondaire Jean-de-Brébeuf',
    'Cégep de Trois-Rivières',
    'Collège Boréal',
    'Université de Moncton',
    'Lakeside High School',
  ],
  faith: ['Paroisse Sainte-Brigide', 'Centre islamique de l’Outaouais', 'St. Andrew’s Community Church'],
  employer: [
    'Boulangerie Première Moisson',
    'Desjardins — Caisse du Plateau',
    'Hydro-Québec',
    'Maple Tech Solutions',
    'Épicerie Métro Rosemont',
    'CAE',
  ],
  service_provider: ['Centre d’orientation Option-Travail', 'YMCA du Québec', 'Accueil aux immigrants de l’Est', 'Career Pathways Inc.'],
  health: ['CIUSSS du Centre-Sud', 'Clinique communautaire Pointe-Saint-Charles', 'Santé mentale Québec', 'Ottawa Community Health Centre'],
  other: ['Chambre de commerce de Laval', 'Fondation Émergence', 'Réseau des bibliothèques de Québec', 'Festival des Montgolfières'],
};
const firstNames = [
  'Marie',
  'Jean',
  'Sophie',
  'Luc',
  'Émilie',
  'François',
  'Chloé',
  'David',
  'Amina',
  'Olivier',
  'Priya',
  'Michael',
  'Nathalie',
  'Hélène',
];
const lastNames = [
  'Tremblay',
  'Gagnon',
  'Roy',
  'Côté',
  'Bouchard',
  'Gauthier',
  'Morin',
  'Lavoie',
  'Fortin',
  'Smith',
  'Nguyen',
  'Patel',
  'Bélanger',
  'Pelletier',
];
const roles = ['Directrice générale', 'Coordonnateur', 'HR Manager', 'Conseillère en emploi', 'Principal', 'Agente de liaison'];
const resourceText: Record<string, string[]> = {
  material: ['Salles de réunion', 'Meeting rooms', 'Laboratoire informatique', 'Van for outings'],
  financial: ['Bourses d’études', 'Wage subsidies', 'Commandite d’événements'],
  knowledge: ['Ateliers de préparation à l’entrevue', 'Industry mentors', 'Expertise en santé mentale'],
  networks: ['Réseau d’employeurs locaux', 'Alumni network', 'Liens avec les communautés culturelles'],
  institutions: ['Gymnase et bibliothèque', 'Community hall', 'Locaux de la paroisse'],
  services: ['Stages rémunérés', 'Job shadowing', 'Service de garde', 'Interprètes'],
};
const summaries = [
  'Premier appel : intérêt pour des stages d’été.',
  'Visite des installations avec la direction.',
  'Sent information package about our programs.',
  'Rencontre de planification : objectifs communs discutés.',
  'Participation au salon de l’emploi régional.',
  'Follow-up call about the pilot project.',
];

/** A small deterministic generator: the same seed gives the same portfolio. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makePartner(
  i: number,
  name: string,
  type: PartnerType,
  stage: Stage,
  owners: SeedOptions['owners'],
  rand: () => number,
  now: Date,
) {
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const contactCount = 1 + Math.floor(rand() * 2);
  const contacts = Array.from({ length: contactCount }, (_, k) => {
    const first = pick(firstNames);
    const last = pick(lastNames);
    const email =
      `${first}.${last}${i}`
        .normalize('NFD')
        .replace(/\p{Diacritic}/gu, '')
        .toLowerCase() + '@example.org';
    return {
      _id: new Types.ObjectId(),
      name: `${first} ${last}`,
      role: pick(roles),
      email,
      phone: `514-555-${String(1000 + ((i * 7 + k) % 9000)).padStart(4, '0')}`,
      locale: rand() < 0.7 ? 'fr' : 'en',
      emailConsent: rand() < 0.8,
      optedOut: false,
      primary: k === 0,
    };
  });
  const resources = Array.from({ length: Math.floor(rand() * 3) }, () => {
    const category = pick(resourceCategories);
    return { _id: new Types.ObjectId(), category, description: pick(resourceText[category]!) };
  });
  const website =
    rand() < 0.7
      ? `https://www.${name
          .normalize('NFD')
          .replace(/\p{Diacritic}/gu, '')
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '')}.example.org`
      : '';
  const changedAt = new Date(now.getTime() - Math.floor(rand() * 200) * 86_400_000);
  const doc = {
    _id: new Types.ObjectId(),
    name,
    type,
    sector: pick(sectors),
    region: pick(regions),
    address: `${100 + (i % 900)}, rue ${pick(lastNames)}, ${pick(regions)}`,
    website,
    description:
      rand() < 0.5
        ? 'Partenaire potentiel pour les services d’orientation et d’emploi.'
        : 'Potential partner for career services and work placements.',
    ownerId: pick(owners)._id,
    tags: [...new Set([pick(tagsPool), pick(tagsPool)])],
    priority: pick(['low', 'medium', 'high'] as const),
    resources,
    contacts,
    stage,
    stageChangedAt: changedAt,
    closedReason: stage === 'closed' ? 'Changement de priorités du partenaire' : '',
    lastActivityAt: changedAt,
    createdAt: changedAt,
    updatedAt: changedAt,
    rev: 0,
    archived: false,
  };
  return { ...doc, ...derivedFields(doc) };
}

/** The stages a partner went through to reach `stage` (identified first). */
function pathTo(stage: Stage): Stage[] {
  const main: Stage[] = ['identified', 'contacted', 'exploring', 'agreement', 'active'];
  if (main.includes(stage)) return main.slice(0, main.indexOf(stage) + 1);
  return ['identified', 'contacted', stage];
}

export async function seedPartners(opts: SeedOptions): Promise<number> {
  const now = opts.now ?? new Date();
  const rand = rng(opts.count ?? 42);
  const owners = opts.owners;
  if (!owners.length) throw new Error('no users to own the partners');
  const batchSize = opts.batchSize ?? 1000;

  if (opts.count === undefined) {
    // The demo portfolio: every type, spread over the stages, with history, interactions and tasks.
    const taken = new Set((await PartnerModel.find({}, { nameFolded: 1 }).limit(10_000).lean()).map((p) => p.nameFolded));
    const partners = partnerTypes
      .flatMap((type) => demoNames[type].map((name) => ({ type, name })))
      .map(({ type, name }, i) => makePartner(i, name, type, stages[i % stages.length]!, owners, rand, now))
      .filter((p) => !taken.has(p.nameFolded));
    if (!partners.length) return 0;
    for (const p of partners.filter((x) => ['exploring', 'agreement', 'active'].includes(x.stage))) {
      Object.assign(p, {
        exploration: {
          interestConfirmedAt: new Date(p.stageChangedAt.getTime() - 20 * 86_400_000),
          interestConfirmedBy: p.contacts[0]!.name,
          interestHow: 'Appel téléphonique / phone call',
          sharedGoals: 'Favoriser l’insertion professionnelle des jeunes de la région.',
          collaboration: 'Stages, visites d’entreprises, ateliers conjoints.',
          requirements: {
            workSchedules: 'Mardis et jeudis, 9 h à 16 h',
            financialMechanisms: 'Contribution en nature',
            reporting: 'Bilan trimestriel',
            successIndicators: 'Nombre de stages offerts; taux de placement',
          },
        },
      });
    }
    await PartnerModel.insertMany(partners);
    await StageChangeModel.insertMany(
      partners.flatMap((p) => {
        const steps = pathTo(p.stage);
        return steps.map((to, k) => ({
          partnerId: p._id,
          from: k === 0 ? null : steps[k - 1],
          to,
          at: new Date(p.stageChangedAt.getTime() - (steps.length - 1 - k) * 12 * 86_400_000),
          byId: p.ownerId,
          byName: owners.find((o) => String(o._id) === String(p.ownerId))?.name ?? '',
          reason: to === 'closed' ? p.closedReason : '',
        }));
      }),
    );
    await AuditModel.insertMany(
      partners.map((p) => ({ at: p.createdAt, actorId: p.ownerId, entity: 'partner', entityId: p._id, action: 'import', note: 'seed' })),
    );
    await InteractionModel.insertMany(
      partners.flatMap((p, i) =>
        Array.from({ length: 1 + (i % 3) }, (_, k) => ({
          partnerId: p._id,
          kind: (['call', 'email', 'meeting', 'visit', 'event', 'note'] as const)[(i + k) % 6],
          date: new Date(p.stageChangedAt.getTime() + k * 5 * 86_400_000),
          summary: summaries[(i + k) % summaries.length],
          byId: p.ownerId,
          byName: owners.find((o) => String(o._id) === String(p.ownerId))?.name ?? '',
        })),
      ),
    );
    await TaskModel.insertMany(
      partners
        .filter((p) => p.stage === 'exploring')
        .flatMap((p) =>
          d3Steps.slice(0, 4).map((s, k) => ({
            title: s.title,
            ownerId: p.ownerId,
            dueDate: new Date(now.getTime() + (s.offsetDays - 21) * 86_400_000),
            status: k === 0 ? 'done' : 'open',
            completedAt: k === 0 ? now : null,
            source: 'action_plan',
            partnerId: p._id,
          })),
        ),
    );
    return partners.length;
  }

  // Benchmark mode: N generated partners, batches of 1,000, one stage-history row each.
  const bar = progressBar('partners', opts.count);
  const start = await PartnerModel.estimatedDocumentCount();
  for (let done = 0; done < opts.count;) {
    const n = Math.min(batchSize, opts.count - done);
    const partners = Array.from({ length: n }, (_, k) => {
      const i = start + done + k + 1;
      const type = partnerTypes[i % partnerTypes.length]!;
      const base = demoNames[type][i % demoNames[type].length]!;
      return makePartner(i, `${base} ${String(i).padStart(6, '0')}`, type, stages[i % stages.length]!, owners, rand, now);
    });
    await PartnerModel.insertMany(partners, { lean: true });
    await StageChangeModel.insertMany(
      partners.map((p) => ({ partnerId: p._id, from: null, to: p.stage, at: p.stageChangedAt, byId: p.ownerId, byName: '', reason: '' })),
      { lean: true },
    );
    done += n;
    bar.update(done);
  }
  return opts.count;
}
