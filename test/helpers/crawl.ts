// Reads pages as a browser would: the links a visitor can follow and the forms they can submit
// (with the values a browser would send untouched), so the crawl and the form checks cover pages
// and forms added later without a list to keep up to date.
import fs from 'node:fs';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import type { Agent } from './app.js';

export interface FormField {
  name: string;
  /** input type (text, number, date, checkbox...), or textarea / select. */
  kind: string;
  /** What a browser sends untouched ('' for an unchecked box, which it does not send at all). */
  value: string;
  checked: boolean;
  options: string[];
  multiple: boolean;
  /** inputmode (decimal, numeric...): a text box meant for a number. */
  inputmode: string;
}

export interface FoundForm {
  page: string;
  action: string;
  method: 'GET' | 'POST';
  multipart: boolean;
  fields: FormField[];
}

const BASE = 'http://crawl.local';

/** A same-site path (pathname + search) or null for other sites, anchors, mailto: and the like. */
export function sameSite(href: string, page: string): string | null {
  if (!href || /^(mailto|tel|javascript|data):/i.test(href)) return null;
  try {
    const url = new URL(href, BASE + page);
    return url.origin === BASE ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

export function linksOf(html: string, page: string): string[] {
  const root = parse(html);
  return root
    .querySelectorAll('a[href]')
    .map((a) => sameSite(a.getAttribute('href') ?? '', page))
    .filter((u): u is string => u !== null);
}

function fieldOf(el: HTMLElement): FormField | null {
  const name = el.getAttribute('name');
  if (!name || el.hasAttribute('disabled')) return null;
  const tag = el.tagName.toLowerCase();
  const base = { checked: false, options: [] as string[], multiple: false, inputmode: el.getAttribute('inputmode') ?? '' };
  if (tag === 'textarea') return { ...base, name, kind: 'textarea', value: el.textContent };
  if (tag === 'select') {
    const options = el.querySelectorAll('option').map((o) => o.getAttribute('value') ?? o.textContent.trim());
    const selected = el.querySelectorAll('option').find((o) => o.hasAttribute('selected'));
    const value = selected ? (selected.getAttribute('value') ?? selected.textContent.trim()) : (options[0] ?? '');
    return { ...base, name, kind: 'select', value, options, multiple: el.hasAttribute('multiple') };
  }
  // A field with the `hidden` attribute is no input of the user's (a password form's username for
  // password managers): it is what the page fills in, like a hidden input.
  const kind = el.hasAttribute('hidden') ? 'hidden' : (el.getAttribute('type') ?? 'text').toLowerCase();
  if (['submit', 'button', 'reset', 'image'].includes(kind)) return null;
  const checkable = kind === 'checkbox' || kind === 'radio';
  return { ...base, name, kind, value: el.getAttribute('value') ?? (checkable ? 'on' : ''), checked: el.hasAttribute('checked') };
}

export function formsOf(html: string, page: string): FoundForm[] {
  const root = parse(html);
  return root.querySelectorAll('form').flatMap((form) => {
    const action = sameSite(form.getAttribute('action') ?? page, page);
    if (!action) return [];
    const method = (form.getAttribute('method') ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
    const fields = form
      .querySelectorAll('input, textarea, select')
      .map(fieldOf)
      .filter((f): f is FormField => f !== null);
    const multipart = (form.getAttribute('enctype') ?? '').toLowerCase() === 'multipart/form-data';
    return [{ page, action, method, multipart, fields }];
  });
}

/** The pairs a browser submits for a form left as it is (checked boxes only, one radio per group). */
export function defaultsOf(form: FoundForm): [string, string][] {
  const out: [string, string][] = [];
  const radios = new Set<string>();
  for (const f of form.fields) {
    if (f.kind === 'file') continue;
    if (f.kind === 'checkbox' && !f.checked) continue;
    if (f.kind === 'radio') {
      if (!f.checked || radios.has(f.name)) continue;
      radios.add(f.name);
    }
    out.push([f.name, f.value]);
  }
  return out;
}

/** A URL's shape: ids and tokens replaced, query keys without their values. */
export function shapeOf(url: string): string {
  const u = new URL(url, BASE);
  const path = u.pathname
    .replace(/\/[a-f0-9]{24}(?=\/|\.|$)/g, '/:id')
    .replace(/\/[A-Za-z0-9_-]{30,}(\.[A-Za-z0-9_-]+)?(?=\/|\.|$)/g, '/:token');
  return `${path}?${[...u.searchParams.keys()].sort().join('&')}`;
}

export interface CrawledPage {
  url: string;
  status: number;
  type: string;
  text: string;
}

/**
 * Follows same-site links (and GET forms with their default values) from the start pages, breadth
 * first, a new kind of page before another of a kind already queued, up to `max` pages and
 * `perShape` pages of one shape (so a calendar's "next month" does not fill the budget).
 */
export async function crawl(
  agent: Agent,
  starts: string[],
  opts: { max: number; perShape: number; onPage?: (page: CrawledPage) => void },
): Promise<{ pages: CrawledPage[]; forms: FoundForm[] }> {
  const seen = new Set<string>();
  const shapes = new Map<string, number>();
  const queue = [...starts];
  // Pages of a path not seen yet go first, so the budget covers every kind of page before repeats.
  const later: string[] = [];
  const paths = new Set<string>();
  const pages: CrawledPage[] = [];
  const forms: FoundForm[] = [];
  const enqueue = (url: string) => {
    const clean = url.replace(/#.*$/, '');
    if (seen.has(clean)) return;
    const shape = shapeOf(clean);
    if ((shapes.get(shape) ?? 0) >= opts.perShape) return;
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    seen.add(clean);
    const path = shape.split('?')[0]!;
    if (paths.has(path)) later.push(clean);
    else queue.push(clean);
    paths.add(path);
  };
  for (const s of starts) seen.add(s);
  while ((queue.length || later.length) && pages.length < opts.max) {
    const url = (queue.length ? queue : later).shift()!;
    const res = await agent.get(url).redirects(0);
    const type = String(res.headers['content-type'] ?? '');
    const page: CrawledPage = { url, status: res.status, type, text: res.text ?? '' };
    pages.push(page);
    opts.onPage?.(page);
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      const next = sameSite(String(res.headers.location), url);
      if (next) enqueue(next);
      continue;
    }
    if (!type.includes('text/html')) continue;
    for (const link of linksOf(page.text, url)) enqueue(link);
    for (const form of formsOf(page.text, url)) {
      forms.push(form);
      if (form.method === 'GET') {
        const qs = new URLSearchParams(defaultsOf(form)).toString();
        enqueue(qs ? `${form.action.split('?')[0]}?${qs}` : form.action);
      }
    }
  }
  return { pages, forms };
}

const namespaces = fs
  .readdirSync(path.join(import.meta.dirname, '../../locales/en'))
  .map((f) => f.replace(/\.json$/, ''))
  .join('|');
// "partners:list.title" or "validation:required" left as such: a missing translation.
const rawKey = new RegExp(`\\b(${namespaces}):[A-Za-z_]+(\\.[A-Za-z_]+)*\\b`);
// The validator's own English ("Invalid input: expected string, received undefined", "Too small: …").
const validatorEnglish = /Invalid (input|option|string|email)|Too (small|big):|expected (string|number|array|object)|received undefined/;

/** What a reader sees: the text and the attributes read aloud or shown (not scripts, styles or URLs). */
export function visibleText(html: string): string {
  const root = parse(html, { blockTextElements: { script: false, style: false } });
  const attrs = root
    .querySelectorAll('[title], [aria-label], [placeholder], [alt], input[type=submit][value]')
    .flatMap((el) => ['title', 'aria-label', 'placeholder', 'alt', 'value'].map((a) => el.getAttribute(a) ?? ''));
  return `${root.textContent}\n${attrs.join('\n')}`;
}

/** A 5xx, or text a reader should never see: a template placeholder, a translation key, the validator's English. */
export function pageProblems(page: { url: string; status: number; type: string; text: string }): string[] {
  const out: string[] = [];
  if (page.status >= 500) out.push(`${page.url} → ${page.status}`);
  if (!page.type.includes('text/html')) return out;
  const text = visibleText(page.text);
  if (/\{\{|\}\}|<%|%>/.test(text)) out.push(`${page.url}: template placeholder in the page`);
  const key = rawKey.exec(text);
  if (key) out.push(`${page.url}: raw translation key "${key[0]}"`);
  const english = validatorEnglish.exec(text);
  if (english) out.push(`${page.url}: the validator's own message "${english[0]}"`);
  return out;
}
