// Tristate numbers ("tnums"): the bit-level half of the verifier's scalar domain.
//
// Model of kernel/bpf/tnum.c and include/linux/tnum.h as built into the Linux 6.18
// kernel this project checks against (6.18.y with its stable backports: tnum_step,
// tnum_bswap*, tnum_neg, tnum_overlap and the union-based tnum_mul are all present in
// the running kernel's symbol table).
//
// A tnum is a pair (value, mask) of u64 words.  A bit set in `mask` is unknown; a bit
// clear in `mask` is known and equal to the corresponding bit of `value`.  Well-formed
// tnums keep `value & mask == 0`.  The set of concrete u64 values described by a tnum t
// is { x : (x & ~t.mask) == t.value }.
//
// Every function here is pure and returns fresh frozen objects; inputs are never mutated.
// All quantities are bigint and stay within [0, 2^64).

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64_MASK = (1n << 64n) - 1n;
export const U32_MASK = (1n << 32n) - 1n;

/** Reduce any bigint to its u64 bit pattern (what a C `u64` would hold). */
export const toU64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** Reduce any bigint to its s64 interpretation. */
export const toS64 = (x: bigint): bigint => BigInt.asIntN(64, x);
/** Reduce any bigint to its u32 bit pattern. */
export const toU32 = (x: bigint): bigint => BigInt.asUintN(32, x);
/** Reduce any bigint to its s32 interpretation. */
export const toS32 = (x: bigint): bigint => BigInt.asIntN(32, x);

/** Build a tnum from raw words (both reduced to u64).  No normalisation of value & mask. */
export function tnum(value: bigint, mask: bigint): Tnum {
  return Object.freeze({ value: toU64(value), mask: toU64(mask) });
}

/** The completely unknown value: every bit is x. */
export const TNUM_UNKNOWN: Tnum = tnum(0n, U64_MASK);

/** Same as TNUM_UNKNOWN, as a function for symmetry with tnumConst. */
export function tnumUnknown(): Tnum {
  return TNUM_UNKNOWN;
}

/** tnum_const: a fully known value. */
export function tnumConst(value: bigint): Tnum {
  return tnum(value, 0n);
}

/** fls64: 1-based index of the most significant set bit, 0 for 0. */
export function fls64(x: bigint): number {
  const v = toU64(x);
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * tnum_range: the smallest tnum covering every value of the unsigned range [min, max].
 * All bits at and below the highest bit where min and max differ become unknown.
 * (The result is only meaningful for min <= max; like the kernel we do not check.)
 */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const lo = toU64(min);
  const hi = toU64(max);
  const bits = fls64(lo ^ hi);
  // The kernel special-cases 64 differing bits because 1ULL << 64 is undefined in C.
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return tnum(lo & ~delta, delta);
}

/**
 * tnum_lshift.  The kernel only shifts by 0..63 (shift amounts are checked before);
 * for larger amounts this model yields 0 bits rather than C's undefined behaviour.
 */
export function tnumLshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return tnum(a.value << s, a.mask << s);
}

/** tnum_rshift: logical right shift of both words. */
export function tnumRshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return tnum(a.value >> s, a.mask >> s);
}

/**
 * tnum_arshift(a, min_shift, insn_bitness).  An arithmetic shift of the value and
 * mask words independently: an unknown sign bit smears unknown bits down, a known one
 * smears its known value.  With insn_bitness 32 only the low word is shifted (as s32)
 * and the result is zero-extended.
 */
export function tnumArshift(a: Tnum, minShift: number, insnBitness: 32 | 64): Tnum {
  const s = BigInt(minShift);
  if (insnBitness === 32) {
    return tnum(toU32(toS32(a.value) >> s), toU32(toS32(a.mask) >> s));
  }
  return tnum(toS64(a.value) >> s, toS64(a.mask) >> s);
}

/**
 * tnum_add.  Adding the masks as if they were numbers marks every position a carry
 * could reach when the unknown bits are chosen adversarially; those, plus the operands'
 * own unknown bits, become unknown.
 */
export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = toU64(a.mask + b.mask);
  const sv = toU64(a.value + b.value);
  const sigma = toU64(sm + sv);
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return tnum(sv & ~mu, mu);
}

/** tnum_sub: the borrow-propagation analogue of tnumAdd. */
export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = toU64(a.value - b.value);
  const alpha = toU64(dv + a.mask);
  const beta = toU64(dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return tnum(dv & ~mu, mu);
}

/** tnum_neg: 0 - a. */
export function tnumNeg(a: Tnum): Tnum {
  return tnumSub(tnum(0n, 0n), a);
}

/** tnum_and: a result bit is known-1 only if both are known-1, possibly-1 if both may be 1. */
export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return tnum(v, alpha & beta & ~v);
}

/** tnum_or. */
export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return tnum(v, mu & ~v);
}

/** tnum_xor. */
export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return tnum(v & ~mu, mu);
}

/**
 * tnum_union: the optimal tnum containing both operands: known only where both are
 * known and agree.
 */
export function tnumUnion(a: Tnum, b: Tnum): Tnum {
  const v = a.value & b.value;
  const mu = (a.value ^ b.value) | a.mask | b.mask;
  return tnum(v & ~mu, mu);
}

/**
 * tnum_mul (the long-multiplication form merged for 6.18): walk the bits of `a` from the
 * least significant end.  A known-1 bit adds the (shifted) `b` to the accumulator; an
 * unknown bit takes the union of "added" and "not added"; a known-0 bit adds nothing.
 * (Kernels before 6.18 used the older half-multiply-add (hma) formulation, which gives
 * different, generally less precise, results; the reference kernel's logs match this
 * version and not the hma one.)
 */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  let x = a;
  let y = b;
  let acc = tnum(0n, 0n);
  while (x.value !== 0n || x.mask !== 0n) {
    if ((x.value & 1n) !== 0n) {
      acc = tnumAdd(acc, y);
    } else if ((x.mask & 1n) !== 0n) {
      acc = tnumUnion(acc, tnumAdd(acc, y));
    }
    x = tnumRshift(x, 1);
    y = tnumLshift(y, 1);
  }
  return acc;
}

/**
 * tnum_overlap: false when the two tnums provably share no concrete value, i.e. they
 * disagree on a bit that is known in both.  (Proposed variants with an extra early
 * `return false` on disjoint masks were discussed on the list but are unsound; the
 * merged helper compares the commonly-known bits only, as here.)
 */
export function tnumOverlap(a: Tnum, b: Tnum): boolean {
  const mu = ~a.mask & ~b.mask & U64_MASK;
  return (a.value & mu) === (b.value & mu);
}

/**
 * tnum_intersect: the tnum of values satisfying both operands.  Where the operands
 * contradict each other (known-1 vs known-0) the kernel returns known-1.
 */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return tnum(v & ~mu, mu);
}

/**
 * tnum_cast: keep the low `size` bytes.  The kernel calls this with size 1, 2 or 4;
 * size 8 is treated here as the identity (in C, 1ULL << 64 would be undefined).
 */
export function tnumCast(a: Tnum, size: number): Tnum {
  if (size >= 8) return tnum(a.value, a.mask);
  const m = (1n << BigInt(size * 8)) - 1n;
  return tnum(a.value & m, a.mask & m);
}

/** tnum_is_aligned: every possible value is a multiple of `size` (a power of two; 0 = any). */
export function tnumIsAligned(a: Tnum, size: bigint): boolean {
  if (size === 0n) return true;
  return ((a.value | a.mask) & toU64(size - 1n)) === 0n;
}

/** tnum_in(a, b): every value of b is also a value of a (b is a subset of a). */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if ((b.mask & ~a.mask & U64_MASK) !== 0n) return false;
  return a.value === (b.value & ~a.mask & U64_MASK);
}

/** Whether the concrete u64 `x` is a member of `a`. */
export function tnumContains(a: Tnum, x: bigint): boolean {
  return (toU64(x) & ~a.mask & U64_MASK) === a.value;
}

/** tnum_is_const: no unknown bits. */
export function tnumIsConst(a: Tnum): boolean {
  return a.mask === 0n;
}

/** tnum_equals_const. */
export function tnumEqualsConst(a: Tnum, b: bigint): boolean {
  return a.mask === 0n && a.value === toU64(b);
}

/** tnum_is_unknown: every bit unknown. */
export function tnumIsUnknown(a: Tnum): boolean {
  return a.mask === U64_MASK;
}

/** tnum_subreg: the low 32 bits (upper word known zero). */
export function tnumSubreg(a: Tnum): Tnum {
  return tnumCast(a, 4);
}

/** tnum_clear_subreg: the upper 32 bits with the low word known zero. */
export function tnumClearSubreg(a: Tnum): Tnum {
  return tnumLshift(tnumRshift(a, 32), 32);
}

/** tnum_with_subreg: upper word of `reg`, lower word of `subreg`. */
export function tnumWithSubreg(reg: Tnum, subreg: Tnum): Tnum {
  return tnumOr(tnumClearSubreg(reg), tnumSubreg(subreg));
}

/** tnum_const_subreg: upper word of `a`, lower word the known u32 `value`. */
export function tnumConstSubreg(a: Tnum, value: bigint): Tnum {
  return tnumWithSubreg(a, tnumConst(toU32(value)));
}

/** tnum_subreg_is_const: the low 32 bits are fully known. */
export function tnumSubregIsConst(a: Tnum): boolean {
  return tnumSubreg(a).mask === 0n;
}

function swabBytes(x: bigint, bytes: number): bigint {
  let out = 0n;
  let v = x;
  for (let i = 0; i < bytes; i++) {
    out = (out << 8n) | (v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** tnum_bswap16: byte-swap the low 16 bits of both words; upper bits become known 0. */
export function tnumBswap16(a: Tnum): Tnum {
  return tnum(swabBytes(a.value & 0xffffn, 2), swabBytes(a.mask & 0xffffn, 2));
}

/** tnum_bswap32: byte-swap the low 32 bits of both words; upper bits become known 0. */
export function tnumBswap32(a: Tnum): Tnum {
  return tnum(swabBytes(a.value & U32_MASK, 4), swabBytes(a.mask & U32_MASK, 4));
}

/** tnum_bswap64: byte-swap both full words. */
export function tnumBswap64(a: Tnum): Tnum {
  return tnum(swabBytes(a.value, 8), swabBytes(a.mask, 8));
}

/**
 * tnum_step(t, z): the smallest member of t strictly greater than z, for
 * t.value <= z < tmax (tmax = t.value | t.mask).  Outside that window it clamps:
 * z >= tmax gives tmax and z < t.value gives t.value.
 *
 * Members of t are t.value + s for submasks s of t.mask, so we look for the smallest
 * submask s greater than d = z - t.value: fill every known position (and everything
 * below the highest known-position 1 of d) with ones, add one so the carry ripples
 * through the unknown positions, and keep only the unknown positions.
 */
export function tnumStep(t: Tnum, z: bigint): bigint {
  const zz = toU64(z);
  const tmax = t.value | t.mask;
  if (zz >= tmax) return tmax;
  if (zz < t.value) return t.value;
  const d = toU64(zz - t.value);
  const carryMask = (1n << BigInt(fls64(d & ~t.mask & U64_MASK))) - 1n;
  const filled = toU64(d | carryMask | (~t.mask & U64_MASK));
  const inc = toU64(filled + 1n) & t.mask;
  return t.value | inc;
}

function hex(x: bigint): string {
  // The kernel's vsnprintf prints "%#llx" of zero as "0x0".
  return '0x' + x.toString(16);
}

/** tnum_strn as printed by the 6.18 verifier log: "(0x<value>; 0x<mask>)". */
export function tnumStrn(a: Tnum): string {
  return `(${hex(a.value)}; ${hex(a.mask)})`;
}

/**
 * tnum_sbin: binary rendering, most significant bit first, 'x' for unknown bits.
 * With the kernel's buffer size `size` (default 65: all 64 bits), only the top
 * size-1 bits are rendered, exactly as the kernel's loop fills the buffer.
 */
export function tnumSbin(a: Tnum, size = 65): string {
  const n = Math.max(0, Math.min(size - 1, 64));
  let out = '';
  for (let i = 0; i < n; i++) {
    const bit = 63n - BigInt(i);
    if (((a.mask >> bit) & 1n) !== 0n) out += 'x';
    else if (((a.value >> bit) & 1n) !== 0n) out += '1';
    else out += '0';
  }
  return out;
}
