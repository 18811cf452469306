// Reading an import's CSV and checking each row: the header mapping (the export's columns and their
// usual French and English spellings), every field's rules, and duplicates against the directory
// and within the file. Nothing is written here.
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { RuleError } from '../http/errors.js';
import { i18n } from '../i18n/index.js';
import type { SessionUser } from '../users/service.js';
import { foldText } from '../util/text.js';
import { partnerTypes, priorities, resourceCategories, stages } from './constants.js';
import { partnersNamedOrAt } from './directory.js';
import { derivedFields } from './derived.js';
import { csvColumns } from './csv.js';
import { activeUserIdsByEmail } from '../users/people.js';

// The columns the import recognizes are the export's: an export imports back as it was.
export const importFields = csvColumns;
export type ImportField = (typeof importFields)[number];

/** Header spellings recognised besides the field names themselves (folded: no accents, lower case). */
const aliases: Record<string, ImportField> = {
  nom: 'name',
  organisme: 'name',
  organization: 'name',
  partenaire: 'name',
  partner: 'name',
  etape: 'stage',
  secteur: 'sector',
  region: 'region',
  adresse: 'address',
  'site web': 'website',
  site: 'website',
  url: 'website',
  responsable: 'owner_email',
  owner: 'owner_email',
  etiquettes: 'tags',
  priorite: 'priority',
  ressources: 'resources',
  contact: 'contact_name',
  'nom du contact': 'contact_name',
  courriel: 'contact_email',
  email: 'contact_email',
  telephone: 'contact_phone',
  phone: 'contact_phone',
  langue: 'contact_language',
  language: 'contact_language',
  consentement: 'contact_consent',
};

export function autoMapping(headers: string[]): string[] {
  const used = new Set<string>();
  return headers.map((h) => {
    const f = foldText(h).replace(/[_-]/g, ' ');
    const direct = importFields.find((x) => x.replace(/_/g, ' ') === f) ?? aliases[f] ?? '';
    if (!direct || used.has(direct)) return '';
    used.add(direct);
    return direct;
  });
}

export function parseCsv(text: string): { headers: string[]; rows: string[][] } {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false, trim: true });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // The parser reports where it stopped (the end, for a quote never closed): the record that
    // opened the quote starts right after the last complete one.
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      const consumed = Buffer.from(text, 'utf8')
        .subarray(0, Number(err.bytes_records ?? 0))
        .toString('utf8');
      throw new RuleError('partners:import.badCsv', { line: consumed.split('\n').length });
    }
    throw new RuleError('partners:import.badCsvOther', { line: Number(err.lines ?? 0) || 1 });
  }
  const [headers = [], ...rows] = records;
  return { headers, rows };
}

/** Codes by code and by their English and French labels, folded. */
function lookup(ns: string, codes: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const code of codes) {
    m.set(foldText(code), code);
    for (const lng of ['en', 'fr']) m.set(foldText(i18n.t(`partners:${ns}.${code}`, { lng })), code);
  }
  return m;
}

const emailOk = (v: string) => z.email().safeParse(v).success;
const urlOk = (v: string) => /^https?:\/\/[^\s]+\.[^\s]+$/i.test(v);

export interface Problem {
  line: number;
  reason: string;
  value: string;
}

export interface Prepared {
  line: number;
  doc: Record<string, unknown> & {
    name: string;
    stage: string;
    contacts: Record<string, unknown>[];
    resources: { category: string; description: string }[];
  };
}

/** Checks every row; rows with the same name (ignoring case and accents) are one partner with several contacts. */
export async function prepareImport(headers: string[], rows: string[][], mapping: string[], importer: SessionUser) {
  const col = (field: ImportField) => mapping.indexOf(field);
  const get = (row: string[], field: ImportField) => {
    const i = col(field);
    // Our export guards spreadsheet formulas with a leading quote: take it off again.
    return i >= 0 ? (row[i] ?? '').trim().replace(/^'(?=[=+\-@\t\r])/, '') : '';
  };
  const problems: Problem[] = [];
  if (col('name') < 0) problems.push({ line: 1, reason: 'partners:import.problems.noNameColumn', value: '' });
  const types = lookup('types', partnerTypes);
  const stageCodes = lookup('stages', stages);
  const priorityCodes = lookup('priorities', priorities);
  const categories = lookup('resourceCategories', resourceCategories);
  const ownerEmails = [...new Set(rows.map((r) => get(r, 'owner_email').toLowerCase()).filter(Boolean))];
  const ownerByEmail = await activeUserIdsByEmail(ownerEmails);

  const byName = new Map<string, Prepared>();
  const badNames = new Set<string>();
  rows.forEach((row, i) => {
    const line = i + 2;
    if (row.every((c) => !c.trim())) return; // blank line
    const bad = (reason: string, value = '') => problems.push({ line, reason: `partners:import.problems.${reason}`, value });
    const before = problems.length;
    const name = get(row, 'name');
    if (!name) bad('missingName');
    else if (name.length > 200) bad('tooLong', name.slice(0, 40));
    const key = foldText(name);
    const typeRaw = get(row, 'type');
    const type = types.get(foldText(typeRaw));
    const existing = key ? byName.get(key) : undefined;
    if (!existing && !type) bad('unknownType', typeRaw);
    const stageRaw = get(row, 'stage');
    const stage = stageRaw ? stageCodes.get(foldText(stageRaw)) : 'identified';
    if (!stage) bad('unknownStage', stageRaw);
    const priorityRaw = get(row, 'priority');
    const priority = priorityRaw ? priorityCodes.get(foldText(priorityRaw)) : 'medium';
    if (!priority) bad('unknownPriority', priorityRaw);
    const website = get(row, 'website');
    if (website && !urlOk(website)) bad('badWebsite', website);
    const ownerEmail = get(row, 'owner_email').toLowerCase();
    const ownerId = ownerEmail ? ownerByEmail.get(ownerEmail) : importer._id;
    if (!ownerId) bad('unknownOwner', ownerEmail);
    const resources: { category: string; description: string }[] = [];
    for (const part of get(row, 'resources')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^([^:]+):\s*(.+)$/.exec(part);
      const category = m ? categories.get(foldText(m[1])) : undefined;
      if (!m || !category) bad('badResource', part);
      else resources.push({ category, description: m[2]!.slice(0, 500) });
    }
    const contactName = get(row, 'contact_name');
    const contactEmail = get(row, 'contact_email').toLowerCase();
    if (contactEmail && !emailOk(contactEmail)) bad('badEmail', contactEmail);
    const lang = get(row, 'contact_language').toLowerCase();
    const locale = !lang
      ? 'fr'
      : ['fr', 'français', 'francais', 'french'].includes(lang)
        ? 'fr'
        : ['en', 'english', 'anglais'].includes(lang)
          ? 'en'
          : null;
    if (!locale) bad('badLanguage', lang);
    if ((contactEmail || get(row, 'contact_phone')) && !contactName) bad('contactWithoutName');
    if (problems.length > before) {
      if (key) badNames.add(key);
      return;
    }
    const consent = ['1', 'yes', 'oui', 'true', 'y', 'o'].includes(get(row, 'contact_consent').toLowerCase());
    const contact = contactName
      ? {
          name: contactName.slice(0, 120),
          role: get(row, 'contact_role').slice(0, 120),
          email: contactEmail,
          phone: get(row, 'contact_phone').slice(0, 40),
          locale,
          emailConsent: consent,
          optedOut: false,
        }
      : null;
    if (existing) {
      if (contact) existing.doc.contacts.push({ ...contact, primary: existing.doc.contacts.length === 0 });
      for (const r of resources)
        if (!existing.doc.resources.some((x) => x.category === r.category && x.description === r.description))
          existing.doc.resources.push(r);
      return;
    }
    const tags = [
      ...new Set(
        get(row, 'tags')
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      ),
    ].slice(0, 20);
    byName.set(key, {
      line,
      doc: {
        name,
        type,
        stage: stage!,
        sector: get(row, 'sector').slice(0, 120),
        region: get(row, 'region').slice(0, 120),
        address: get(row, 'address').slice(0, 500),
        website,
        description: get(row, 'description').slice(0, 5000),
        ownerId,
        tags,
        priority,
        resources,
        contacts: contact ? [{ ...contact, primary: true }] : [],
      },
    });
  });
  for (const k of badNames) byName.delete(k); // a partner with any bad row is not imported
  const prepared = [...byName.values()];

  // Duplicates: the same name or website (ignoring case and accents) already stored, or twice in the file.
  const derived = prepared.map((p) => ({
    p,
    d: derivedFields({ name: p.doc.name, website: String(p.doc.website), contacts: [], resources: [] }),
  }));
  const names = derived.map((x) => x.d.nameFolded);
  const sites = derived.map((x) => x.d.websiteFolded).filter(Boolean);
  const clashes = await partnersNamedOrAt(names, sites);
  const takenNames = new Map(clashes.map((c) => [c.nameFolded, c.name]));
  const takenSites = new Map(clashes.filter((c) => c.websiteFolded).map((c) => [c.websiteFolded!, c.name]));
  const seenSites = new Map<string, string>();
  const ok: Prepared[] = [];
  for (const { p, d } of derived) {
    const dupOf =
      takenNames.get(d.nameFolded) ?? (d.websiteFolded ? (takenSites.get(d.websiteFolded) ?? seenSites.get(d.websiteFolded)) : undefined);
    if (dupOf !== undefined) {
      problems.push({ line: p.line, reason: 'partners:import.problems.duplicate', value: dupOf });
      continue;
    }
    if (d.websiteFolded) seenSites.set(d.websiteFolded, p.doc.name);
    ok.push(p);
  }
  problems.sort((a, b) => a.line - b.line);
  return { prepared: ok, problems };
}
