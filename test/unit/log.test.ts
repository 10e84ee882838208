import { describe, expect, it, vi } from 'vitest';
import { logger, maskPersonal } from '../../shared/log';

describe('structured logs keep personal data out', () => {
  it('masks personal fields by name and ID or phone numbers inside any text', () => {
    expect(maskPersonal('idNumber', '11010519491231002X')).toBe('1***X');
    expect(maskPersonal('phone', '13812345678')).toBe('1***8');
    expect(maskPersonal('message', 'citizen 11010519491231002X called from 13812345678')).toBe('citizen 110***2X called from 138***78');
    expect(maskPersonal('unit', '330102000000')).toBe('330102000000');
    expect(maskPersonal('count', 42)).toBe(42);
  });

  it('applies to what the platform logger writes', () => {
    const lines: string[] = [];
    const level = logger.getLevelName();
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      logger.setLogLevel('INFO');
      logger.info('registered', { person: { name: '张三', idNumber: '11010519491231002X' }, note: 'call 13812345678' });
    } finally {
      spy.mockRestore();
      logger.setLogLevel(level);
    }
    const out = lines.join('');
    expect(out).not.toContain('11010519491231002X');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('张三');
    expect(out).toContain('registered');
  });
});
