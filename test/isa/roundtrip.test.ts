import { describe, expect, it } from 'vitest';
import { decodeInsns, encodeInsns } from '../../src/isa/encode.ts';
import { printInsn } from '../../src/isa/print.ts';
import { parseAsm } from '../../src/asm/parse.ts';
import { asmOptions } from '../../src/spec/resolve.ts';

const asm = (body: string) => parseAsm(`SEC("socket")\np:\n${body}\n`, 't.s', asmOptions()).programs[0].program;

// Every instruction form of the ISA (RFC 9669, v4 included), with the kernel's disassembly.
const CASES: [string, string][] = [
  ['r1 = 0', '(b7) r1 = 0'], ['w1 = -1', '(b4) w1 = -1'], ['r1 = r2', '(bf) r1 = r2'], ['w1 = w2', '(bc) w1 = w2'],
  ['r1 += -8', '(07) r1 += -8'], ['r1 -= r2', '(1f) r1 -= r2'], ['r1 *= 3', '(27) r1 *= 3'], ['r1 /= r2', '(3f) r1 /= r2'],
  ['r1 s/= r2', '(3f) r1 s/= r2'], ['w1 s%= 7', '(94) w1 s%= 7'], ['r1 |= 1', '(47) r1 |= 1'], ['r1 &= r3', '(5f) r1 &= r3'],
  ['r1 <<= 3', '(67) r1 <<= 3'], ['r1 >>= r4', '(7f) r1 >>= r4'], ['r1 s>>= 2', '(c7) r1 s>>= 2'], ['r1 ^= r2', '(af) r1 ^= r2'],
  ['r1 %= 5', '(97) r1 %= 5'], ['r1 = -r1', '(87) r1 = -r1'], ['w1 = -w1', '(84) w1 = -w1'],
  ['r1 = (s8)r2', '(bf) r1 = (s8)r2'], ['r1 = (s16)r2', '(bf) r1 = (s16)r2'], ['r1 = (s32)r2', '(bf) r1 = (s32)r2'], ['w1 = (s8)w2', '(bc) w1 = (s8)w2'],
  ['r1 = be16 r1', '(dc) r1 = be16 r1'], ['r1 = le32 r1', '(d4) r1 = le32 r1'], ['r1 = bswap64 r1', '(d7) r1 = bswap64 r1'],
  ['r0 = *(u8 *)(r1 + 2)', '(71) r0 = *(u8 *)(r1 +2)'], ['r0 = *(u16 *)(r1 - 2)', '(69) r0 = *(u16 *)(r1 -2)'],
  ['r0 = *(u32 *)(r1 + 0)', '(61) r0 = *(u32 *)(r1 +0)'], ['r0 = *(u64 *)(r10 - 8)', '(79) r0 = *(u64 *)(r10 -8)'],
  ['r0 = *(s8 *)(r1 + 0)', '(91) r0 = *(s8 *)(r1 +0)'], ['r0 = *(s16 *)(r1 + 0)', '(89) r0 = *(s16 *)(r1 +0)'], ['r0 = *(s32 *)(r1 + 0)', '(81) r0 = *(s32 *)(r1 +0)'],
  ['*(u8 *)(r10 - 1) = r1', '(73) *(u8 *)(r10 -1) = r1'], ['*(u64 *)(r10 - 8) = 5', '(7a) *(u64 *)(r10 -8) = 5'],
  ['lock *(u64 *)(r10 - 8) += r1', '(db) lock *(u64 *)(r10 -8) += r1'], ['lock *(u32 *)(r10 - 8) |= r1', '(c3) lock *(u32 *)(r10 -8) |= r1'],
  ['r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)', '(db) r1 = atomic64_fetch_add((u64 *)(r10 -8), r1)'],
  ['r1 = xchg_64(r10 - 8, r1)', '(db) r1 = atomic64_xchg((u64 *)(r10 -8), r1)'],
  ['r0 = cmpxchg_64(r10 - 8, r0, r1)', '(db) r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1)'],
  ['r0 = load_acquire((u64 *)(r1 + 0))', '(db) r0 = load_acquire((u64 *)(r1 +0))'], ['store_release((u32 *)(r1 + 0), r2)', '(c3) store_release((u32 *)(r1 +0), r2)'],
  ['if r1 == 0 goto +1', '(15) if r1 == 0x0 goto pc+1'], ['if r1 s< r2 goto -1', '(cd) if r1 s< r2 goto pc-1'], ['if w1 & 4 goto +0', '(46) if w1 & 0x4 goto pc+0'],
  ['if r1 >= 0xffffffff goto +2', '(35) if r1 >= 0xffffffff goto pc+2'], ['goto +2', '(05) goto pc+2'], ['gotol +2', '(06) gotol pc+2'],
  ['may_goto +1', '(e5) may_goto pc+1'], ['call 7', '(85) call bpf_get_prandom_u32#7'], ['exit', '(95) exit'],
];

describe('ISA: assemble, encode, decode, print', () => {
  for (const [src, text] of CASES) {
    it(src, () => {
      const p = asm(src);
      const bytes = encodeInsns(p.insns);
      expect(decodeInsns(bytes)).toEqual(p.insns);
      expect(printInsn(p.insns[0], { helperName: (id) => (id === 7 ? 'bpf_get_prandom_u32' : undefined) }, p.insns[1])).toBe(text);
    });
  }
  it('ld_imm64 takes two slots and round-trips its 64-bit value', () => {
    const p = asm('r1 = 0x123456789abcdef0 ll');
    expect(p.insns).toHaveLength(2);
    expect(decodeInsns(encodeInsns(p.insns))).toEqual(p.insns);
    expect(printInsn(p.insns[0], {}, p.insns[1])).toBe('(18) r1 = 0x123456789abcdef0');
  });
  it('decodes dst in the low nibble and src in the high nibble', () => {
    const bytes = new Uint8Array([0xbf, 0x21, 0, 0, 0, 0, 0, 0]);
    expect(decodeInsns(bytes)[0]).toMatchObject({ code: 0xbf, dst: 1, src: 2 });
  });
  it('rejects a byte count that is not whole instructions', () => {
    expect(() => decodeInsns(new Uint8Array(7))).toThrow(/multiple of 8/);
  });
});
