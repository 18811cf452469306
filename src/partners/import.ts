// CSV import of partners and contacts: upload → preview (mapping, every invalid row with its line and
// reason, duplicates) → import. No transactions on FerretDB, so the import is made atomic by hand:
// everything is validated first, then inserted in batches tagged with the import's id; on any
// failure every document carrying that id is deleted again, and only then is the import marked.
import os from 'node:os';
import { CsvError, parse } from 'csv-parse/sync';
import { Types } from 'mongoose';
import { z } from 'zod';
import { recordAudit, recordAuditMany } from '../audit/service.js';
import { claimOnce } from '../db/claim.js';
import { forbidden, notFound, RuleError } from '../http/errors.js';
import { i18n } from '../i18n/index.js';
import { logger } from '../logger.js';
import type { SessionUser } from '../users/service.js';
import { foldText } from '../util/text.js';
import { partnerTypes, priorities, resourceCategories, stages } from './constants.js';
import { PartnerImportModel } from './import.model.js';
import { PartnerModel, StageChangeModel } from './model.js';
import { partnersNamedOrAt } from './directory.js';
import { derivedFields } from './service.js';
import { csvColumns } from './csv.js';
import { importsStopping, markImportsStopping, removeImported, startHeartbeat } from './import-recovery.js';
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

interface Prepared {
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

export const maxPreviewProblems = 1000;

async function check(importId: Types.ObjectId, importer: SessionUser) {
  const imp = await PartnerImportModel.findById(importId);
  if (!imp) throw notFound();
  if (String(imp.createdBy) !== importer.id) throw forbidden();
  const { headers, rows } = parseCsv(imp.csv);
  const result = await prepareImport(headers, rows, imp.mapping, importer);
  return { imp, rows, ...result };
}

export async function createPreview(importer: SessionUser, fileName: string, text: string): Promise<Types.ObjectId> {
  const { headers, rows } = parseCsv(text);
  if (!headers.length) throw new RuleError('partners:import.problems.empty');
  const imp = await PartnerImportModel.create({
    createdBy: importer._id,
    fileName,
    csv: text,
    headers,
    mapping: autoMapping(headers),
    rowCount: rows.length,
  });
  await refreshPreview(importer, imp._id);
  return imp._id;
}

export async function setMapping(importer: SessionUser, importId: Types.ObjectId, mapping: string[]) {
  const clean = mapping.map((m) => ((importFields as readonly string[]).includes(m) ? m : ''));
  await PartnerImportModel.updateOne({ _id: importId, createdBy: importer._id, status: 'preview' }, { $set: { mapping: clean } });
  await refreshPreview(importer, importId);
}

async function refreshPreview(importer: SessionUser, importId: Types.ObjectId) {
  const { imp, prepared, problems } = await check(importId, importer);
  imp.problems = problems.slice(0, maxPreviewProblems) as typeof imp.problems;
  imp.partnerCount = prepared.length;
  await imp.save();
}

/**
 * Rows inserted per batch. Each batch is one change-log entry that the read model applies, row by row
 * by id, while the import goes on: the first list after an import then waits for the last batch only,
 * not for the whole import's rows (600 rows in one entry took a second to apply at 20,000 partners).
 */
export const IMPORT_BATCH_SIZE = 100;

export const importOptions = {
  batchSize: IMPORT_BATCH_SIZE,
  /** Tests: make a batch fail to prove the roll-back. */
  beforeBatch: null as null | ((index: number) => Promise<void>),
};
const running = new Map<string, Promise<void>>();
/** Tests: wait for a started import to end. */
export const importSettled = (id: Types.ObjectId | string) => running.get(String(id)) ?? Promise.resolve();
export const runningHere = (id: Types.ObjectId | string): boolean => running.has(String(id));

/** Starts the import in the background (once, however many times the button is pressed). */
export async function startImport(importer: SessionUser, importId: Types.ObjectId): Promise<void> {
  const { imp, prepared } = await check(importId, importer);
  if (imp.status !== 'preview') return;
  if (!prepared.length) throw new RuleError('partners:import.nothing');
  // Once per run: a run rolled back after an interruption may be started again.
  if (!(await claimOnce(`partner-import:${String(importId)}:${imp.interruptedAt?.getTime() ?? 0}`))) return;
  imp.status = 'running';
  imp.done = 0;
  imp.heartbeatAt = new Date();
  imp.ownerHost = os.hostname();
  imp.ownerPid = process.pid;
  imp.interruptedAt = null;
  await imp.save();
  const job = runImport(importer, importId, prepared).catch((err: unknown) => logger.error({ err }, 'partner import failed'));
  running.set(String(importId), job);
}

async function runImport(importer: SessionUser, importId: Types.ObjectId, prepared: Prepared[]) {
  const now = new Date();
  const heartbeat = startHeartbeat(importId);
  try {
    for (let i = 0, batch = 0; i < prepared.length; i += importOptions.batchSize, batch += 1) {
      // Stopping: end between two batches (each one whole), leave it running without a heartbeat;
      // whichever process starts next rolls it back (import-recovery.ts).
      if (importsStopping()) return void (await PartnerImportModel.updateOne({ _id: importId }, { $set: { heartbeatAt: null } }));
      if (importOptions.beforeBatch) await importOptions.beforeBatch(batch);
      const slice = prepared.slice(i, i + importOptions.batchSize);
      const docs = slice.map(({ doc }) => {
        const d = derivedFields({
          name: doc.name,
          website: String(doc.website),
          contacts: doc.contacts as { name: string; email: string }[],
          resources: doc.resources,
        });
        return {
          _id: new Types.ObjectId(),
          ...doc,
          ...d,
          stageChangedAt: now,
          lastActivityAt: now,
          createdBy: importer._id,
          importId,
          rev: 0,
        };
      });
      await PartnerModel.insertMany(docs, { ordered: true });
      await StageChangeModel.insertMany(
        docs.map((d) => ({ partnerId: d._id, from: null, to: d.stage, at: now, byId: importer._id, byName: importer.name, reason: '' })),
      );
      await recordAuditMany(
        importer,
        'partner',
        'import',
        docs.map((d) => ({ entityId: d._id, note: d.name })),
        now,
      );
      await PartnerImportModel.updateOne({ _id: importId }, { $set: { done: Math.min(prepared.length, i + slice.length) } });
    }
    await PartnerImportModel.updateOne({ _id: importId }, { $set: { status: 'done', imported: prepared.length, finishedAt: new Date() } });
    await recordAudit({ actor: importer, entity: 'partner-import', entityId: importId, action: 'create', note: String(prepared.length) });
  } catch (err) {
    // Roll back: nothing of this import stays.
    await removeImported(importId);
    await PartnerImportModel.updateOne(
      { _id: importId },
      {
        $set: {
          status: 'failed',
          done: 0,
          imported: 0,
          failure: err instanceof Error ? err.message.slice(0, 500) : 'error',
          finishedAt: new Date(),
        },
      },
    );
    throw err;
  } finally {
    heartbeat.stop();
    running.delete(String(importId));
  }
}

/** Graceful stop: running imports end after their current batch; resolves when they have. */
export async function stopImports(): Promise<void> {
  markImportsStopping();
  await Promise.allSettled([...running.values()]);
}

export async function getImport(importer: SessionUser, importId: Types.ObjectId) {
  const imp = await PartnerImportModel.findById(importId, { csv: 0 }).lean();
  if (!imp) return null;
  if (String(imp.createdBy) !== importer.id) throw forbidden();
  return imp;
}

/** The first rows of the file, for the preview table. */
export async function previewRows(importId: Types.ObjectId, n = 5): Promise<string[][]> {
  const imp = await PartnerImportModel.findById(importId, { csv: 1 }).lean();
  return imp ? parseCsv(imp.csv).rows.slice(0, n) : [];
}
