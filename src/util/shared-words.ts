// When two short texts (an agreement's objectives, the resources it commits) are about the same
// thing: the words that carry meaning — French and English stop words and numbers left out, accents
// and case aside — are shared enough. Used to flag overlapping agreements (seed 001: avoid effort
// duplication); a hint for a person to read, not a decision.
import { eng, fra, removeStopwords } from 'stopword';
import { foldText } from './text.js';

const stopWords = [...fra, ...eng];
const segmenter = new Intl.Segmenter('fr', { granularity: 'word' });

/** The meaningful words of a text, folded: "Placer 40 jeunes en emploi" → placer, jeunes, emploi. */
export function keywords(text: string): Set<string> {
  const words = [...segmenter.segment(text.toLowerCase())].filter((s) => s.isWordLike && !/^\d+$/.test(s.segment)).map((s) => s.segment);
  return new Set(
    removeStopwords(words, stopWords)
      .map(foldText)
      .filter((w) => w.length > 1),
  );
}

/**
 * The words two texts share, when they overlap: at least half the shorter text's words, and two of
 * them unless it has only one ("Salles" and "Salles de réunion" overlap; "Placer 40 jeunes en
 * emploi" and "Placer des affiches" do not). Empty when they do not.
 */
export function sharedWords(a: string, b: string): string[] {
  const [x, y] = [keywords(a), keywords(b)];
  const shared = [...x].filter((w) => y.has(w));
  const shorter = Math.min(x.size, y.size);
  return shorter > 0 && shared.length >= Math.min(2, shorter) && shared.length * 2 >= shorter ? shared : [];
}
