// Share links (src/site/share-link.ts): `#v1=` + base64url (no padding) of raw DEFLATE of the
// program's UTF-8 bytes. Checked against Node's own zlib and base64url so the format is the
// documented one, not merely self-consistent.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeProgram, encodeProgram, MAX_SHARED_PROGRAM_BYTES, playgroundHref, SHARE_VERSION, ShareLinkError } from '../../src/site/share-link.ts';

const PROGRAM = 'SEC("tp_btf/task_newtask")\n__success\nprog:\n\tr1 = *(u64 *)(r1 + 0)\n\tcall bpf_task_acquire\n\tr0 = 0\n\texit\n';
const payload = (fragment: string): string => fragment.slice(`${SHARE_VERSION}=`.length);

describe('share links', () => {
  it('encodes as v1= followed by base64url without padding', () => {
    const f = encodeProgram(PROGRAM);
    expect(f.startsWith('v1=')).toBe(true);
    expect(payload(f)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('is raw DEFLATE of the UTF-8 text, readable by any RFC 1951 / RFC 4648 implementation', () => {
    const text = `${PROGRAM}// ünïcödé ✓ 𝔅𝔓𝔉\n`;
    const f = encodeProgram(text);
    expect(inflateRawSync(Buffer.from(payload(f), 'base64url')).toString('utf8')).toBe(text);
    const foreign = `v1=${deflateRawSync(Buffer.from(text, 'utf8')).toString('base64url')}`;
    expect(decodeProgram(foreign)).toBe(text);
  });

  it('round-trips programs of every length modulo 3 and with tabs, CRLF and unicode', () => {
    const samples = ['', 'a', 'ab', 'abc', 'abcd', PROGRAM, PROGRAM.replaceAll('\n', '\r\n'), '\t\t\u00e9\u4e2d\u{1f600}\n', 'r0 = 0\n'.repeat(5000)];
    for (const s of samples) {
      expect(decodeProgram(encodeProgram(s))).toBe(s);
      expect(decodeProgram(`#${encodeProgram(s)}`)).toBe(s);
    }
  });

  it('compresses repetitive programs', () => {
    const big = '\tr0 = 0\n'.repeat(2000);
    expect(encodeProgram(big).length).toBeLessThan(big.length / 20);
  });

  it('returns null for fragments that carry no program', () => {
    for (const f of ['', '#', '#top', '#v2=abc', 'v1', '#V1=abc', 'x#v1=abc']) expect(decodeProgram(f)).toBeNull();
  });

  it('rejects damaged payloads with a ShareLinkError that says why', () => {
    expect(() => decodeProgram('#v1=ab$d')).toThrow(ShareLinkError);
    expect(() => decodeProgram('#v1=ab$d')).toThrow(/outside base64url/);
    expect(() => decodeProgram('#v1=abcde')).toThrow(/impossible length/);
    expect(() => decodeProgram('#v1=____')).toThrow(/not a valid DEFLATE stream/);
    // a valid stream cut short
    const cut = payload(encodeProgram(PROGRAM.repeat(10)));
    expect(() => decodeProgram(`#v1=${cut.slice(0, cut.length - 8)}`)).toThrow(ShareLinkError);
  });

  it('refuses a payload that inflates beyond the limit (a decompression bomb)', () => {
    const bomb = `v1=${deflateRawSync(Buffer.alloc(MAX_SHARED_PROGRAM_BYTES + 1, 0x20)).toString('base64url')}`;
    expect(bomb.length).toBeLessThan(2000);
    expect(() => decodeProgram(bomb)).toThrow(/more than the 262144 a link may carry/);
    const atLimit = `v1=${deflateRawSync(Buffer.alloc(MAX_SHARED_PROGRAM_BYTES, 0x20)).toString('base64url')}`;
    expect(decodeProgram(atLimit)).toHaveLength(MAX_SHARED_PROGRAM_BYTES);
  });

  it('builds playground links under the site base', () => {
    expect(playgroundHref(PROGRAM)).toBe(`/playground/#${encodeProgram(PROGRAM)}`);
    expect(playgroundHref(PROGRAM, '/docs')).toBe(`/docs/playground/#${encodeProgram(PROGRAM)}`);
    expect(playgroundHref(PROGRAM, '/docs/')).toBe(`/docs/playground/#${encodeProgram(PROGRAM)}`);
  });

  it('carries HTML-looking text unchanged (it is data; the page shows it as text)', () => {
    const evil = '<img src=x onerror="alert(1)">\n</textarea><script>alert(2)</script>';
    expect(decodeProgram(encodeProgram(evil))).toBe(evil);
  });
});
