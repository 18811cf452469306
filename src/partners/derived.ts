// A partner's folded fields, derived from what people type: search, duplicate detection, filters.
import { foldText } from '../util/text.js';

type ContactLike = { name: string; email?: string | null };
type PartnerLike = { name: string; website?: string | null; contacts: ContactLike[]; resources: { category: string }[] };

/** The derived, folded fields every write keeps in step with the record. */
export function derivedFields(p: PartnerLike) {
  return {
    nameFolded: foldText(p.name),
    websiteFolded: foldText((p.website ?? '').replace(/^https?:\/\/(www\.)?/i, '').replace(/\/+$/, '')),
    searchFolded: foldText([p.name, ...p.contacts.flatMap((c) => [c.name, c.email ?? ''])].join(' ')),
    resourceCategories: [...new Set(p.resources.map((r) => r.category))],
  };
}
