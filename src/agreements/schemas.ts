import { Types } from 'mongoose';
import { z } from 'zod';
import {
  calendarDate,
  formInput,
  formLists,
  formValues,
  inLocale,
  issueKey,
  numberInput,
  optionalCalendarDate,
  parseFormNumber,
  parseInput,
  type FieldErrors,
} from '../http/validate.js';
import { kpiValueProblem } from './kpis.js';
import { locales } from '../users/roles.js';
import {
  agreementKinds,
  agreementStatuses,
  cadences,
  checkFrequencies,
  governanceTypes,
  kpiDirections,
  kpiStatuses,
  kpiUnits,
  partnerTypesForFilter,
  type AgreementElement,
} from './constants.js';

const id = z.string().regex(/^[a-f0-9]{24}$/i, 'validation:choice');
const optionalDate = optionalCalendarDate.transform((v) => (v ? new Date(`${v}T12:00:00Z`) : null));
const text = (max: number) => z.string().trim().max(max, 'validation:tooLong');
const num = z
  .string()
  .trim()
  .refine((v) => v === '' || parseFormNumber(v) !== null, 'validation:numberExample')
  .transform((v) => (v === '' ? null : parseFormNumber(v)));
// An amount of money: a total, a contribution, an installment is never below zero.
const amount = num.refine((x) => x === null || x >= 0, 'validation:notNegative');

export const basicsSchema = z
  .object({
    title: z.string().trim().min(1, 'validation:required').max(300, 'validation:tooLong'),
    leadPartnerId: id,
    kind: z.enum(agreementKinds, { message: 'validation:choice' }),
    language: z.enum(locales, { message: 'validation:choice' }),
    ownerId: id,
    startDate: optionalDate,
    endDate: optionalDate,
    renewalNoticeDays: numberInput(z.number().int('validation:number').min(0, 'validation:number').max(730, 'validation:number')),
  })
  .refine((v) => !v.startDate || !v.endDate || v.endDate > v.startDate, { path: ['endDate'], message: 'agreements:errors.endBeforeStart' });

export type BasicsInput = {
  title: string;
  partnerIds: Types.ObjectId[];
  kind: (typeof agreementKinds)[number];
  language: 'fr' | 'en';
  ownerId: Types.ObjectId;
  teamIds: Types.ObjectId[];
  startDate: Date | null;
  endDate: Date | null;
  renewalNoticeDays: number;
};

const oid = (v: string) => new Types.ObjectId(v);
const validIds = (list: string[]) => [...new Set(list.filter((v) => /^[a-f0-9]{24}$/i.test(v)))].map(oid);

export function parseBasics(
  body: unknown,
  locale?: string,
): { ok: true; data: BasicsInput } | { ok: false; errors: FieldErrors; values: Record<string, string | string[]> } {
  // The checkbox groups are lists whether one box or several were ticked (the form shows them again).
  const values = formInput(body, ['otherPartnerIds', 'teamIds']);
  const parsed = parseInput(basicsSchema, values, locale);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, values };
  const { otherPartnerIds, teamIds } = values;
  const lead = oid(parsed.data.leadPartnerId);
  const others = validIds(otherPartnerIds!).filter((p) => String(p) !== String(lead));
  const { leadPartnerId: _lead, ...rest } = parsed.data;
  return { ok: true, data: { ...rest, partnerIds: [lead, ...others], ownerId: oid(parsed.data.ownerId), teamIds: validIds(teamIds!) } };
}

const party = (v: string) => (/^[a-f0-9]{24}$/i.test(v) ? oid(v) : null); // '' or 'own' = our organization

type ElementResult = { ok: true; patch: Record<string, unknown> } | { ok: false; errors: FieldErrors; draft: Record<string, unknown> };

/**
 * Parses one element's form (rows come as repeated fields; blank rows and rows marked "remove" are
 * dropped). Refused, it gives the element as the user typed it (`draft`) to show the form again.
 */
/** Numbers are read as `locale` writes them (the request's language). */
export function parseElement(element: AgreementElement, body: unknown, locale?: string): ElementResult {
  return inLocale(locale, () => parseElementIn(element, body));
}

function parseElementIn(element: AgreementElement, body: unknown): ElementResult {
  const v = formValues(body);
  const errors: FieldErrors = {};
  // A refused value stays as typed in the patch: the patch is then the draft the form shows again.
  const check = <T>(schema: z.ZodType<T>, value: unknown, field: string): T => {
    const r = schema.safeParse(value);
    if (!r.success) errors[field] ??= issueKey(r.error.issues[0]!, value);
    return r.success ? r.data : (value as T);
  };
  const kpiValue = (unit: string, value: unknown, field: string) => {
    const n = check(
      num.refine((x) => x !== null, 'validation:numberExample'),
      value,
      field,
    );
    const problem = typeof n === 'number' ? kpiValueProblem(unit, n) : null;
    if (problem) errors[field] ??= problem;
    return n;
  };
  // A row counts when one of its typed fields is filled (selects always carry a value, so they do not).
  const rows = (names: string[], typed = names.filter((k) => !['party', 'provider', 'kind'].includes(k))) => {
    const lists = formLists(body, [...names, 'remove']);
    const n = lists[names[0]!]!.length;
    return Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, lists[k]![i] ?? '']))).filter(
      (r, i) => typed.some((k) => (r[k] ?? '').trim() !== '') && !(lists.remove ?? []).includes(String(i)),
    );
  };
  let patch: Record<string, unknown> = {};
  switch (element) {
    case 'purpose':
      patch = { purpose: check(text(10000), v.purpose ?? '', 'purpose') };
      break;
    case 'governance':
      patch = {
        governance: {
          type: check(z.enum([...governanceTypes, '']), v.type ?? '', 'type'),
          decisionProcess: check(text(5000), v.decisionProcess ?? '', 'decisionProcess'),
          roles: rows(['party', 'responsibilities']).map((r, i) => ({
            partyPartnerId: party(r.party!),
            responsibilities: check(text(3000), r.responsibilities, `responsibilities.${i}`),
          })),
        },
      };
      break;
    case 'objectives':
      patch = { objectives: rows(['objective']).map((r, i) => ({ text: check(text(1000), r.objective, `objective.${i}`) })) };
      break;
    case 'resources':
      patch = {
        resources: rows(['what', 'provider', 'forWhom']).map((r, i) => ({
          what: check(text(500), r.what, `what.${i}`),
          providerPartnerId: party(r.provider!),
          forWhom: check(text(500), r.forWhom, `forWhom.${i}`),
        })),
      };
      break;
    case 'funding': {
      const total = check(amount, v.total ?? '', 'total');
      patch = {
        funding: {
          none: v.none === 'on',
          total,
          currency: check(
            z
              .string()
              .trim()
              .toUpperCase()
              .regex(/^[A-Z]{3}$/, 'validation:invalid'),
            v.currency || 'CAD',
            'currency',
          ),
          contributions: rows(['party', 'kind', 'value', 'description']).map((r, i) => ({
            partyPartnerId: party(r.party!),
            kind: check(z.enum(['cash', 'in_kind']), r.kind || 'cash', `kind.${i}`),
            value: check(amount, r.value, `value.${i}`) ?? 0,
            description: check(text(500), r.description, `description.${i}`),
          })),
          installments: rows(['dueDate', 'amount', 'paid']).map((r, i) => ({
            dueDate: check(optionalDate, r.dueDate, `dueDate.${i}`),
            amount: check(amount, r.amount, `amount.${i}`) ?? 0,
            paid: r.paid === 'on',
          })),
        },
      };
      break;
    }
    case 'communication':
      patch = {
        communication: {
          channels: (v.channels ?? '')
            .split(/[,\n]/)
            .map((s) => s.trim())
            .filter(Boolean)
            .slice(0, 20),
          frequency: check(text(200), v.frequency ?? '', 'frequency'),
          language: check(text(50), v.workingLanguage ?? '', 'workingLanguage'),
          contactPoints: rows(['party', 'name', 'email']).map((r, i) => ({
            partyPartnerId: party(r.party!),
            name: check(text(200), r.name, `name.${i}`),
            email: check(text(254), r.email, `email.${i}`),
          })),
        },
      };
      break;
    case 'kpis':
      patch = {
        kpis: rows(
          ['kpiId', 'name', 'description', 'unit', 'baseline', 'target', 'direction', 'frequency', 'owner', 'dataSource'],
          ['name', 'description', 'baseline', 'target', 'dataSource'],
        ).map((r, i) => {
          const unit = check(z.enum(kpiUnits, { message: 'validation:choice' }), r.unit || 'number', `unit.${i}`);
          return {
            ...(/^[a-f0-9]{24}$/i.test(r.kpiId ?? '') ? { _id: oid(r.kpiId!) } : {}),
            name: check(z.string().trim().min(1, 'validation:required').max(200, 'validation:tooLong'), r.name, `name.${i}`),
            description: check(text(2000), r.description, `kdescription.${i}`),
            ownerPartnerId: party(r.owner ?? ''),
            unit,
            baseline: kpiValue(unit, r.baseline, `baseline.${i}`),
            target: kpiValue(unit, r.target, `target.${i}`),
            direction: check(z.enum(kpiDirections), r.direction || 'increase', `direction.${i}`),
            frequency: check(z.enum(checkFrequencies), r.frequency || 'quarterly', `frequency.${i}`),
            dataSource: check(text(500), r.dataSource, `dataSource.${i}`),
          };
        }),
      };
      break;
    case 'followUp':
      patch = {
        followUp: {
          checkFrequency: check(z.enum([...checkFrequencies, '']), v.checkFrequency ?? '', 'checkFrequency'),
          meetingCadence: check(z.enum([...cadences, '']), v.meetingCadence ?? '', 'meetingCadence'),
          reportingDuties: check(text(3000), v.reportingDuties ?? '', 'reportingDuties'),
          nextReviewDate: check(optionalDate, v.nextReviewDate ?? '', 'nextReviewDate'),
        },
      };
      break;
  }
  return Object.keys(errors).length ? { ok: false, errors, draft: patch } : { ok: true, patch };
}

export const listQuerySchema = z.object({
  status: z.enum(agreementStatuses).optional().catch(undefined),
  kind: z.enum(agreementKinds).optional().catch(undefined),
  owner: z
    .union([id, z.literal('me')])
    .optional()
    .catch(undefined),
  partnerType: z.enum(partnerTypesForFilter).optional().catch(undefined),
  kpiStatus: z.enum(kpiStatuses).optional().catch(undefined),
  endingWithin: z.coerce.number().int().min(1).max(3650).optional().catch(undefined),
});

const queryDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .transform((d) => new Date(`${d}T00:00:00Z`))
  .optional()
  .catch(undefined);

export const measurementCsvQuerySchema = listQuerySchema.extend({
  from: queryDate,
  to: queryDate.transform((d) => (d ? new Date(d.getTime() + 86400_000 - 1) : undefined)),
});

export const measurementSchema = z.object({
  value: num.refine((x) => x !== null, 'validation:numberExample').transform((x) => x),
  periodStart: optionalDate.default(null),
  periodEnd: calendarDate.transform((d) => new Date(`${d}T12:00:00Z`)),
  comment: text(2000).default(''),
});

export const signatoriesFrom = (body: unknown) =>
  (({ signatoryName, signatoryOrg, signatoryDate }) =>
    signatoryName!
      .map((name, i) => ({
        name: name.trim(),
        organization: (signatoryOrg![i] ?? '').trim(),
        signedAt: /^\d{4}-\d{2}-\d{2}$/.test(signatoryDate![i] ?? '') ? new Date(`${signatoryDate![i]}T12:00:00Z`) : new Date(),
      }))
      .filter((s) => s.name))(formLists(body, ['signatoryName', 'signatoryOrg', 'signatoryDate']));
