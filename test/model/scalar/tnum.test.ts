import { describe, expect, it } from 'vitest';
import {
  type Tnum,
  TNUM_UNKNOWN,
  U64_MASK,
  fls64,
  tnum,
  tnumAdd,
  tnumAnd,
  tnumArshift,
  tnumBswap16,
  tnumBswap32,
  tnumBswap64,
  tnumCast,
  tnumClearSubreg,
  tnumConst,
  tnumConstSubreg,
  tnumContains,
  tnumEqualsConst,
  tnumIn,
  tnumIntersect,
  tnumIsAligned,
  tnumIsConst,
  tnumIsUnknown,
  tnumLshift,
  tnumMul,
  tnumNeg,
  tnumOr,
  tnumOverlap,
  tnumRange,
  tnumRshift,
  tnumSbin,
  tnumStep,
  tnumStrn,
  tnumSub,
  tnumSubreg,
  tnumSubregIsConst,
  tnumUnion,
  tnumWithSubreg,
  tnumXor,
  toU64,
} from '../../../src/model/scalar/tnum.ts';
import { Rng } from './harness.ts';

const T = (value: bigint, mask: bigint): Tnum => tnum(value, mask);
const C = tnumConst;
const s = (t: Tnum): string => tnumStrn(t);

describe('tnum_const / tnum_unknown / tnum_strn (kernel/bpf/tnum.c, log.c)', () => {
  it.each([
    [C(0n), '(0x0; 0x0)'],
    [C(255n), '(0xff; 0x0)'],
    [C(-1n), '(0xffffffffffffffff; 0x0)'],
    [TNUM_UNKNOWN, '(0x0; 0xffffffffffffffff)'],
  ])('%o prints as %s', (t, txt) => {
    expect(s(t)).toBe(txt);
  });
  it('predicates', () => {
    expect(tnumIsConst(C(5n))).toBe(true);
    expect(tnumIsConst(T(0n, 1n))).toBe(false);
    expect(tnumIsUnknown(TNUM_UNKNOWN)).toBe(true);
    expect(tnumEqualsConst(C(7n), 7n)).toBe(true);
    expect(tnumEqualsConst(C(7n), 8n)).toBe(false);
    expect(tnumSubregIsConst(T(5n, 0xffff_ffff_0000_0000n))).toBe(true);
    expect(tnumSubregIsConst(T(0n, 0x8000_0000n))).toBe(false);
  });
});

describe('fls64', () => {
  it.each([
    [0n, 0],
    [1n, 1],
    [0x80n, 8],
    [1n << 63n, 64],
    [U64_MASK, 64],
  ])('fls64(%s) = %i', (x, n) => {
    expect(fls64(x)).toBe(n);
  });
});

describe('tnum_range', () => {
  it.each([
    [0n, 255n, '(0x0; 0xff)'],
    [5n, 5n, '(0x5; 0x0)'],
    [3n, 9n, '(0x0; 0xf)'], // 3 ^ 9 = 0b1010: the low 4 bits vary
    [0x10n, 0x1fn, '(0x10; 0xf)'],
    [0x1_0000_0000n, 0x1_0000_0003n, '(0x100000000; 0x3)'],
    [0n, U64_MASK, '(0x0; 0xffffffffffffffff)'], // bit 63 differs: special-cased unknown
    [1n << 63n, U64_MASK, '(0x8000000000000000; 0x7fffffffffffffff)'],
  ])('[%s, %s] -> %s', (lo, hi, txt) => {
    expect(s(tnumRange(lo, hi))).toBe(txt);
  });
});

describe('tnum shifts (tnum_lshift, tnum_rshift, tnum_arshift)', () => {
  it.each([
    ['lsh', T(0x1n, 0x2n), 4, '(0x10; 0x20)'],
    ['lsh', T(1n << 62n, 1n << 63n), 1, '(0x8000000000000000; 0x0)'],
    ['rsh', T(0xf0n, 0x0fn), 4, '(0xf; 0x0)'],
    ['rsh', T(1n << 63n, 0n), 63, '(0x1; 0x0)'],
  ] as const)('%s %s by %i', (kind, t, n, txt) => {
    const r = kind === 'lsh' ? tnumLshift(t, n) : tnumRshift(t, n);
    expect(s(r)).toBe(txt);
  });
  it.each([
    // known sign bit smears ones
    [T(1n << 63n, 0xfn), 4, 64, '(0xf800000000000000; 0x0)'],
    // unknown sign bit smears unknowns
    [T(0n, 1n << 63n), 1, 64, '(0x0; 0xc000000000000000)'],
    // 32-bit: the low word is shifted as s32 and zero-extended
    [T(0x8000_0000n, 0n), 4, 32, '(0xf8000000; 0x0)'],
    [T(0xffff_ffff_0000_0010n, 0n), 4, 32, '(0x1; 0x0)'],
    [T(0n, 0x8000_0000n), 31, 32, '(0x0; 0xffffffff)'],
  ] as const)('arshift %s by %i (%i-bit)', (t, n, bits, txt) => {
    expect(s(tnumArshift(t, n, bits))).toBe(txt);
  });
});

describe('tnum_add / tnum_sub / tnum_neg', () => {
  it.each([
    ['add', T(0n, 0xffn), C(3n), '(0x0; 0x1ff)'], // the log shows r0 &= 255; r0 += 3 as (0x0; 0x1ff)
    ['add', C(2n), C(3n), '(0x5; 0x0)'],
    ['add', T(0n, 1n), C(1n), '(0x0; 0x3)'],
    ['add', C(U64_MASK), C(1n), '(0x0; 0x0)'],
    ['sub', C(10n), T(0n, 1n), '(0x8; 0x3)'],
    ['sub', C(0n), C(1n), '(0xffffffffffffffff; 0x0)'],
    ['sub', T(0x10n, 0xfn), C(0x10n), '(0x0; 0xf)'],
  ] as const)('%s %s %s', (op, a, b, txt) => {
    expect(s(op === 'add' ? tnumAdd(a, b) : tnumSub(a, b))).toBe(txt);
  });
  it('neg', () => {
    expect(s(tnumNeg(C(1n)))).toBe('(0xffffffffffffffff; 0x0)');
    expect(s(tnumNeg(C(0n)))).toBe('(0x0; 0x0)');
    // {0, 1} negated is {0, -1}: the borrow makes every bit unknown
    expect(s(tnumNeg(T(0n, 1n)))).toBe('(0x0; 0xffffffffffffffff)');
    expect(s(tnumNeg(T(0n, 2n)))).toBe('(0x0; 0xfffffffffffffffe)');
  });
});

describe('tnum_and / tnum_or / tnum_xor', () => {
  it.each([
    ['and', T(0n, 0xffn), C(0x0fn), '(0x0; 0xf)'],
    ['and', T(0xf0n, 0x0fn), C(0x3cn), '(0x30; 0xc)'],
    ['and', TNUM_UNKNOWN, C(0n), '(0x0; 0x0)'],
    ['or', T(0x30n, 0xcn), C(1n), '(0x31; 0xc)'],
    ['or', T(0n, 0xffn), C(0x0fn), '(0xf; 0xf0)'],
    ['xor', T(0x30n, 0xcn), C(0xffn), '(0xc3; 0xc)'],
    ['xor', T(0n, 0xffn), T(0n, 0xff00n), '(0x0; 0xffff)'],
  ] as const)('%s %s %s', (op, a, b, txt) => {
    const r = op === 'and' ? tnumAnd(a, b) : op === 'or' ? tnumOr(a, b) : tnumXor(a, b);
    expect(s(r)).toBe(txt);
  });
});

describe('tnum_mul (6.18 long multiplication with tnum_union)', () => {
  it.each([
    [C(3n), C(5n), '(0xf; 0x0)'],
    [T(0n, 1n), C(3n), '(0x0; 0x3)'], // {0,3} -> union gives x x
    [C(3n), T(0n, 1n), '(0x0; 0x3)'],
    [T(1n, 2n), C(3n), '(0x1; 0xa)'], // {3, 9} = 0011/1001 -> x0x1 (the kernel's own example)
    [C(0n), TNUM_UNKNOWN, '(0x0; 0x0)'],
    [TNUM_UNKNOWN, C(2n), '(0x0; 0xfffffffffffffffe)'],
    [C(1n << 63n), C(2n), '(0x0; 0x0)'],
  ])('%s * %s', (a, b, txt) => {
    expect(s(tnumMul(a, b))).toBe(txt);
  });
});

describe('tnum_intersect / tnum_union / tnum_overlap / tnum_in', () => {
  it('intersect', () => {
    expect(s(tnumIntersect(T(0n, 0xffn), T(0x10n, 0x0fn)))).toBe('(0x10; 0xf)');
    // contradicting known bits: the kernel keeps known-1
    expect(s(tnumIntersect(C(1n), C(2n)))).toBe('(0x3; 0x0)');
  });
  it('union', () => {
    expect(s(tnumUnion(C(1n), C(3n)))).toBe('(0x1; 0x2)');
    expect(s(tnumUnion(T(0n, 1n), C(4n)))).toBe('(0x0; 0x5)');
  });
  it('overlap', () => {
    expect(tnumOverlap(C(1n), C(2n))).toBe(false);
    expect(tnumOverlap(T(0n, 1n), C(1n))).toBe(true);
    expect(tnumOverlap(T(0x10n, 0xfn), T(0x20n, 0xfn))).toBe(false);
    expect(tnumOverlap(T(0x5n, 0xan), T(0xan, 0x5n))).toBe(true); // disjoint masks, 0xf in both
  });
  it('in (is b a subset of a)', () => {
    expect(tnumIn(T(0n, 0xffn), T(0x10n, 0xfn))).toBe(true);
    expect(tnumIn(T(0x10n, 0xfn), T(0n, 0xffn))).toBe(false);
    expect(tnumIn(T(0x10n, 0xfn), C(0x1fn))).toBe(true);
    expect(tnumIn(T(0x10n, 0xfn), C(0x2fn))).toBe(false);
    expect(tnumIn(TNUM_UNKNOWN, TNUM_UNKNOWN)).toBe(true);
  });
});

describe('tnum_cast / tnum_is_aligned / subregister helpers', () => {
  const t = T(0x0022_3344_5566_7700n, 0xff00_0000_0000_00ffn);
  it('cast', () => {
    expect(s(tnumCast(T(0x1234n, 0xff00n), 1))).toBe('(0x34; 0x0)');
    expect(s(tnumCast(t, 2))).toBe('(0x7700; 0xff)');
    expect(s(tnumCast(t, 4))).toBe('(0x55667700; 0xff)');
  });
  it('is_aligned', () => {
    expect(tnumIsAligned(T(0x10n, 0x30n), 16n)).toBe(true);
    expect(tnumIsAligned(T(0x10n, 0x38n), 16n)).toBe(false);
    expect(tnumIsAligned(T(0x11n, 0n), 0n)).toBe(true);
  });
  it('subreg / clear_subreg / with_subreg / const_subreg', () => {
    expect(s(tnumSubreg(t))).toBe('(0x55667700; 0xff)');
    expect(s(tnumClearSubreg(t))).toBe('(0x22334400000000; 0xff00000000000000)');
    expect(s(tnumWithSubreg(t, C(1n)))).toBe('(0x22334400000001; 0xff00000000000000)');
    expect(s(tnumConstSubreg(t, 0x1_0000_0002n))).toBe('(0x22334400000002; 0xff00000000000000)');
  });
});

describe('tnum_bswap16/32/64', () => {
  it.each([
    [tnumBswap16(T(0x1234n, 0x00f0n)), '(0x3412; 0xf000)'],
    [tnumBswap16(T(0xabcd_1234n, 0n)), '(0x3412; 0x0)'],
    [tnumBswap32(C(0x11223344n)), '(0x44332211; 0x0)'],
    [tnumBswap32(T(0xff_0000_0000n, 0xffn)), '(0x0; 0xff000000)'],
    [tnumBswap64(T(0x0102030405060700n, 0xffn)), '(0x7060504030201; 0xff00000000000000)'],
  ])('%o', (t, txt) => {
    expect(s(t)).toBe(txt);
  });
});

describe('tnum_step (smallest member greater than z)', () => {
  const t = T(0b0111_0000n, 0b1000_0010n); // x11100x0
  it.each([
    [241n, 242n], // the kernel's own example
    [0n, 0x70n], // below the smallest member: the smallest member
    [0x70n, 0x72n],
    [0x72n, 0xf0n],
    [0xf2n, 0xf2n], // at or above the largest member: the largest member
    [0x1000n, 0xf2n],
  ])('step(x11100x0, %s) = %s', (z, r) => {
    expect(tnumStep(t, z)).toBe(r);
  });
  it('agrees with brute force on random 8-bit tnums', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 300; i++) {
      const mask = BigInt(rng.int(256));
      const value = BigInt(rng.int(256)) & ~mask;
      const tt = T(value, mask);
      const tmax = value | mask;
      const z = BigInt(rng.int(256));
      const members = [...Array(256).keys()].map(BigInt).filter((x) => tnumContains(tt, x));
      const above = members.filter((x) => x > z);
      const expected = z >= tmax ? tmax : z < value ? value : (above[0] ?? tmax);
      expect(tnumStep(tt, z)).toBe(expected);
    }
  });
});

describe('tnum_sbin', () => {
  it('renders msb first with x for unknown bits', () => {
    const str = tnumSbin(T(0x5n, 0x2n));
    expect(str).toHaveLength(64);
    expect(str.endsWith('0001x1')).toBe(true);
    expect(tnumSbin(T(1n << 63n, 1n << 62n), 5)).toBe('1x00');
  });
});

// ---------------------------------------------------------------------------------------
// Soundness: for random tnums and random members, the concrete result is a member.

function randTnum(rng: Rng): Tnum {
  const style = rng.int(4);
  let mask: bigint;
  if (style === 0) mask = rng.u64();
  else if (style === 1) mask = BigInt(rng.int(256)) << BigInt(rng.int(56));
  else if (style === 2) mask = 0n;
  else mask = rng.u64() & rng.u64() & rng.u64();
  return T(rng.u64() & ~mask, mask);
}

function member(rng: Rng, t: Tnum): bigint {
  return t.value | (rng.u64() & t.mask);
}

describe('tnum soundness (random members, seeded)', () => {
  const rng = new Rng(12345);
  const bin: [string, (a: Tnum, b: Tnum) => Tnum, (x: bigint, y: bigint) => bigint][] = [
    ['add', tnumAdd, (x, y) => toU64(x + y)],
    ['sub', tnumSub, (x, y) => toU64(x - y)],
    ['mul', tnumMul, (x, y) => toU64(x * y)],
    ['and', tnumAnd, (x, y) => x & y],
    ['or', tnumOr, (x, y) => x | y],
    ['xor', tnumXor, (x, y) => x ^ y],
    ['union (either)', tnumUnion, (x) => x],
  ];
  it.each(bin)('%s', (_name, f, g) => {
    for (let i = 0; i < 400; i++) {
      const a = randTnum(rng);
      const b = randTnum(rng);
      const r = f(a, b);
      expect((r.value & r.mask) === 0n).toBe(true);
      for (let j = 0; j < 4; j++) {
        const x = member(rng, a);
        const y = member(rng, b);
        expect(tnumContains(r, g(x, y))).toBe(true);
      }
    }
  });
  it('neg, shifts, bswap, cast, range, intersect, overlap', () => {
    for (let i = 0; i < 400; i++) {
      const a = randTnum(rng);
      const x = member(rng, a);
      const n = rng.int(64);
      expect(tnumContains(tnumNeg(a), toU64(-x))).toBe(true);
      expect(tnumContains(tnumLshift(a, n), toU64(x << BigInt(n)))).toBe(true);
      expect(tnumContains(tnumRshift(a, n), x >> BigInt(n))).toBe(true);
      expect(tnumContains(tnumArshift(a, n, 64), toU64(BigInt.asIntN(64, x) >> BigInt(n)))).toBe(true);
      const n32 = rng.int(32);
      expect(
        tnumContains(
          tnumArshift(a, n32, 32),
          BigInt.asUintN(32, BigInt.asIntN(32, x) >> BigInt(n32)),
        ),
      ).toBe(true);
      expect(tnumContains(tnumCast(a, 2), x & 0xffffn)).toBe(true);
      const b = randTnum(rng);
      const y = member(rng, b);
      const lo = x < y ? x : y;
      const hi = x < y ? y : x;
      const r = tnumRange(lo, hi);
      expect(tnumContains(r, lo) && tnumContains(r, hi)).toBe(true);
      // a value in both tnums must survive the intersection, and they must overlap
      const both = T(x, 0n);
      expect(tnumContains(tnumIntersect(a, tnumOr(both, T(0n, a.mask))), x)).toBe(true);
      expect(tnumOverlap(a, both)).toBe(true);
      const sw = BigInt('0x' + (x & 0xffffffffn).toString(16).padStart(8, '0').match(/../g)!.reverse().join(''));
      expect(tnumContains(tnumBswap32(a), sw)).toBe(true);
    }
  });
});
