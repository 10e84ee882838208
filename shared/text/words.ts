/**
 * Words of Chinese (and mixed) text for search: ICU's dictionary segmentation through `Intl.Segmenter`, which needs
 * no package and works offline (Node and the Lambda runtime ship full ICU). Text is folded first (NFKC turns
 * full-width Ａ１ into A1; lower case), so a query and an indexed text meet whatever the input method produced.
 */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

export const fold = (text: string): string => text.normalize('NFKC').toLowerCase();

/** The word-like segments of `text`, folded, in order, repeats kept (a ranker counts them). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(fold(text))) if (s.isWordLike) out.push(s.segment);
  return out;
}

/** The distinct words of `text`. */
export const distinctWords = (text: string): string[] => [...new Set(words(text))];
