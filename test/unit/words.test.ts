import { describe, expect, it } from 'vitest';
import { distinctWords, words } from '../../shared/text/words';

describe('words', () => {
  it('splits Chinese text into dictionary words and drops punctuation', () => {
    expect(words('关于2025年财政预决算公开的通知。')).toEqual(['关于', '2025', '年', '财政', '预', '决算', '公开', '的', '通知']);
  });

  it('folds full-width letters and digits and upper case, so queries meet indexed text', () => {
    expect(words('ＡＢＣ１２３ 办理')).toEqual(['abc123', '办理']);
    expect(words('Open311 接口')).toEqual(['open311', '接口']);
  });

  it('keeps repeats in words() and removes them in distinctWords()', () => {
    expect(words('路灯 路灯 坏')).toEqual(['路灯', '路灯', '坏']);
    expect(distinctWords('路灯 路灯 坏')).toEqual(['路灯', '坏']);
  });
});
