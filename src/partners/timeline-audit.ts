// What an audit entry of a partner says on its timeline: i18n keys and parameters that name what
// changed ("Shared goals updated", "Type: School → Community", "Resource added: Financial assets"),
// never stored values such as JSON, field names or ids. Views translate. Older entries (an
// exploration stored as JSON, a resource as "category: description") read the same way.
import { partnerTypes, priorities, resourceCategories } from './constants.js';
import { userNames } from '../users/people.js';

/** One sentence to translate: `keys` are parameters whose values are i18n keys, translated first. */
export interface TimelineLine {
  label: string;
  params: Record<string, string>;
  keys?: Record<string, string>;
}

export interface AuditLike {
  action: string;
  note: string;
  changes: { field?: string | null; from?: string | null; to?: string | null }[];
}

export interface AuditDescription extends TimelineLine {
  /** What changed, one line each. */
  details: TimelineLine[];
  /** Free text the user wrote (a description, a template's name), shown as is. */
  text?: string;
}

const explorationLabels: Record<string, string> = {
  interestConfirmedAt: 'partners:timeline.fields.interestConfirmedAt',
  interestConfirmedBy: 'partners:timeline.fields.interestConfirmedBy',
  interestHow: 'partners:timeline.fields.interestHow',
  sharedGoals: 'partners:exploration.sharedGoals',
  collaboration: 'partners:exploration.collaboration',
  workSchedules: 'partners:exploration.workSchedules',
  financialMechanisms: 'partners:exploration.financialMechanisms',
  reporting: 'partners:exploration.reporting',
  successIndicators: 'partners:exploration.successIndicators',
};
const partnerFieldLabels: Record<string, string> = { ownerId: 'partners:fields.owner' };
const contactFieldLabels: Record<string, string> = {
  name: 'partners:contacts.name',
  role: 'partners:contacts.role',
  email: 'partners:contacts.email',
  phone: 'partners:contacts.phone',
  locale: 'partners:contacts.locale',
  emailConsent: 'partners:contacts.consent',
  primary: 'partners:contacts.makePrimary',
};
/** Fields whose values are codes, shown by their translated name. */
const codes: Record<string, { values: readonly string[]; prefix: string }> = {
  type: { values: partnerTypes, prefix: 'partners:types.' },
  priority: { values: priorities, prefix: 'partners:priorities.' },
};
/** Fields whose values are long texts: say that they changed, not what they say. */
const longTexts = new Set(['description']);
const labels: Record<string, string> = {
  update: 'partners:timeline.audit.update',
  archive: 'partners:timeline.audit.archive',
  restore: 'partners:timeline.audit.restore',
  delete: 'partners:timeline.audit.delete',
  import: 'partners:timeline.audit.import',
  exploration: 'partners:timeline.audit.exploration',
  template: 'partners:timeline.audit.template',
};

const line = (label: string, params: Record<string, string> = {}, keys: Record<string, string> = {}): TimelineLine => ({
  label,
  params,
  keys,
});

/** "X added", "X updated" or "X removed", without the values (texts that may be long). */
function presence(fieldKey: string, from: string, to: string): TimelineLine {
  const how = !from ? 'added' : !to ? 'removed' : 'updated';
  return line(`partners:timeline.change.${how}`, {}, { field: fieldKey });
}

/** The exploration's fields, flat, from its stored JSON ('' or unreadable: nothing recorded). */
function explorationValues(json: string | null | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const e = JSON.parse(json) as Record<string, unknown> & { requirements?: Record<string, unknown> };
    const flat = { ...e, ...(e.requirements ?? {}) };
    return Object.fromEntries(Object.keys(explorationLabels).map((k) => [k, flat[k] == null ? '' : String(flat[k] as string)]));
  } catch {
    return {};
  }
}

function explorationLines(changes: AuditLike['changes']): TimelineLine[] {
  const c = changes.find((x) => x.field === 'exploration');
  const before = explorationValues(c?.from);
  const after = explorationValues(c?.to);
  return Object.keys(explorationLabels)
    .filter((k) => (before[k] ?? '') !== (after[k] ?? ''))
    .map((k) => presence(explorationLabels[k]!, before[k] ?? '', after[k] ?? ''));
}

const listOf = (v: string) => {
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.map(String).join(', ') : v;
  } catch {
    return v;
  }
};

function fieldLine(labelKey: string, field: string, from: string, to: string, names: ReadonlyMap<string, string>): TimelineLine {
  if (longTexts.has(field)) return presence(labelKey, from, to);
  const keys: Record<string, string> = { field: labelKey };
  const params: Record<string, string> = {};
  const put = (k: 'from' | 'to', v: string) => {
    const code = codes[field];
    if (code?.values.includes(v)) keys[k] = code.prefix + v;
    else if (field === 'ownerId') params[k] = names.get(idOf(v)) ?? '?';
    else if (field === 'tags') params[k] = listOf(v);
    else if (field === 'locale') params[k] = v === 'en' ? 'English' : 'Français';
    else if (field === 'emailConsent' || field === 'primary') keys[k] = v === 'true' ? 'common:yes' : 'common:no';
    else params[k] = v;
  };
  if (from) put('from', from);
  if (to) put('to', to);
  if (field === 'tags' && !params.from && !params.to) return presence(labelKey, from, to);
  const how = !from ? 'set' : !to ? 'removed' : 'fromTo';
  return line(`partners:timeline.change.${how}`, params, keys);
}

/** An id as the audit trail stored it: quoted JSON (older entries) or plain. */
const idOf = (v: string | null | undefined) => (v ?? '').replace(/^"([a-f0-9]{24})"$/i, '$1');

/** The names of the users an audit entry's owner changes name, in one query. */
export async function ownerNamesOf(entries: AuditLike[]): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      entries
        .flatMap((e) => e.changes.filter((c) => c.field === 'ownerId').flatMap((c) => [idOf(c.from), idOf(c.to)]))
        .filter((v) => /^[a-f0-9]{24}$/i.test(v)),
    ),
  ];
  if (!ids.length) return new Map();
  return userNames(ids);
}

/** What one audit entry of a partner says on the timeline. */
export function describeAudit(a: AuditLike, names: ReadonlyMap<string, string>): AuditDescription {
  const generic = (text?: string): AuditDescription => ({
    ...line(labels[a.action] ?? 'partners:timeline.audit.other'),
    details: [],
    ...(text ? { text } : {}),
  });
  switch (a.action) {
    case 'update':
      return {
        ...generic(),
        details: a.changes
          .filter((c) => c.field)
          .map((c) => fieldLine(partnerFieldLabels[c.field!] ?? `partners:fields.${c.field!}`, c.field!, c.from ?? '', c.to ?? '', names)),
      };
    case 'exploration':
      return { ...generic(), details: explorationLines(a.changes) };
    case 'resource-add':
    case 'resource-remove': {
      // Stored as "category: description".
      const at = a.note.indexOf(': ');
      const category = at > 0 ? a.note.slice(0, at) : '';
      const label = a.action === 'resource-add' ? 'partners:timeline.resourceAdded' : 'partners:timeline.resourceRemoved';
      if (!(resourceCategories as readonly string[]).includes(category)) {
        return { ...line(`partners:timeline.audit.${a.action}`), details: [], ...(a.note ? { text: a.note } : {}) };
      }
      return { ...line(label, {}, { category: `partners:resourceCategories.${category}` }), details: [], text: a.note.slice(at + 2) };
    }
    case 'contact-add':
    case 'contact-update':
    case 'contact-remove':
    case 'contact:opt-out': {
      const key = (
        { 'contact-add': 'contactAdded', 'contact-update': 'contactUpdated', 'contact-remove': 'contactRemoved' } as Record<string, string>
      )[a.action];
      const label = `partners:timeline.${key ?? 'contactOptedOut'}`;
      if (!a.note) return { ...line(key ? `partners:timeline.audit.${a.action}` : label, { name: '' }), details: [] };
      const details = a.changes
        .filter((c) => c.field && contactFieldLabels[c.field])
        .map((c) =>
          (c.field === 'name' || c.field === 'role' ? fieldLine : presenceOf)(
            contactFieldLabels[c.field!]!,
            c.field!,
            c.from ?? '',
            c.to ?? '',
            names,
          ),
        );
      return { ...line(label, { name: a.note }), details };
    }
    default:
      return generic(a.note || undefined);
  }
}

/** Contact details other than name and role: only that they changed (an address is not history to display). */
const presenceOf = (labelKey: string, field: string, from: string, to: string, names: ReadonlyMap<string, string>) =>
  field === 'emailConsent' || field === 'primary' || field === 'locale'
    ? fieldLine(labelKey, field, from, to, names)
    : presence(labelKey, from, to);
