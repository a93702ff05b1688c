import { describe, expect, it } from 'vitest';
import { lastResortMessage } from '../../src/cli/last-resort.js';

describe("the bin's last-resort error message", () => {
  it('neutralises every line break kind and control, and redacts the secrets of the environment', () => {
    const error = new Error('box said \u2028forged line\u2029 \u001b[31mred\r\nowned pw=Hunter-22');
    const out = lastResortMessage(error, { BOXAUDIT_PASSWORD: 'Hunter-22' });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^boxaudit: internal error: Error: box said {2}forged line {2}\?\[31mred/);
    expect(out).not.toMatch(/[\u2028\u2029\r\u001b]/);
    expect(out).not.toContain('Hunter-22');
    expect(lines[1]).toMatch(/^owned pw=\[redacted\]$/);
    expect(lines.slice(2).every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('a thrown non-Error is one line too', () => {
    expect(lastResortMessage('a\u0085b\u202ec', {})).toBe('boxaudit: internal error: a b?c');
  });
});
