import { readFileSync } from 'node:fs';
import { compare, SUGGEST_AT, termsOf, type Comparable } from '../../functions/tickets/duplicates';

/** One side of a labelled pair: a ticket's text and category, and its location when it has one. */
interface Side {
  matter: number;
  category: string;
  text: string;
  lat?: number;
  lng?: number;
}
export interface LabelledPair {
  a: Side;
  b: Side;
  hoursApart: number;
  duplicate: boolean;
}

export const LABELLED_PAIRS: LabelledPair[] = JSON.parse(readFileSync(new URL('../fixtures/ticket-duplicates.json', import.meta.url), 'utf8')).pairs;

const comparable = (s: Side): Comparable => ({ terms: termsOf(s.text), ...(s.lat !== undefined ? { location: { lat: s.lat, lng: s.lng! } } : {}) });

/** Precision and recall of the suggestion rule on the labelled pairs, at the platform's threshold unless told. */
export function scoreLabelledPairs(threshold = SUGGEST_AT) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const wrong: { pair: LabelledPair; score: number }[] = [];
  for (const pair of LABELLED_PAIRS) {
    const { score } = compare(comparable(pair.a), comparable(pair.b));
    const suggested = score >= threshold;
    if (suggested && pair.duplicate) tp++;
    if (suggested && !pair.duplicate) fp++;
    if (!suggested && pair.duplicate) fn++;
    if (suggested !== pair.duplicate) wrong.push({ pair, score });
  }
  return { pairs: LABELLED_PAIRS.length, precision: tp / (tp + fp), recall: tp / (tp + fn), tp, fp, fn, wrong };
}
