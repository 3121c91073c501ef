// The verifier's scalar abstract value: a tnum plus signed/unsigned 64- and 32-bit
// intervals, and the bound-maintenance routines of kernel/bpf/verifier.c that keep the
// five components consistent (Linux 6.18.y as running on the reference machine).
//
// Kernel name -> model name:
//   ___mark_reg_known          markKnown / scalarKnown
//   __mark_reg32_known         markKnown32 / scalarKnown32
//   __mark_reg_unbounded       markUnbounded
//   __mark_reg64_unbounded     markUnbounded64
//   __mark_reg32_unbounded     markUnbounded32 / markReg32Unbounded
//   __update_reg32_bounds      updateReg32Bounds
//   __update_reg64_bounds      updateReg64Bounds
//   __update_reg_bounds        updateRegBounds
//   __reg32_deduce_bounds      reg32DeduceBounds
//   __reg64_deduce_bounds      reg64DeduceBounds
//   __reg_deduce_mixed_bounds  regDeduceMixedBounds
//   __reg_deduce_bounds        regDeduceBounds
//   __reg_bound_offset         regBoundOffset
//   reg_bounds_sync            regBoundsSync
//   reg_bounds_sanity_check    regBoundsSanityCheck (+ applySanityCheck for the fallback)
//   __reg_assign_32_into_64    regAssign32Into64
//   zext_32_to_64              zext32To64
//   coerce_reg_to_size         coerceRegToSize
//   coerce_reg_to_size_sx      coerceRegToSizeSx
//   coerce_subreg_to_size_sx   coerceSubregToSizeSx
//
// Representation: every field is a bigint holding the mathematical value of the C field
// (u64 fields in [0, 2^64), s64 in [-2^63, 2^63), u32 in [0, 2^32), s32 in
// [-2^31, 2^31)).  Public functions take and return frozen ScalarBounds objects; the
// `m*` functions operate in place on a MutableScalar and exist so that multi-step kernel
// routines can be transcribed statement by statement.

import {
  type Tnum,
  TNUM_UNKNOWN,
  tnumCast,
  tnumClearSubreg,
  tnumConst,
  tnumConstSubreg,
  tnumIntersect,
  tnumIsConst,
  tnumOr,
  tnumRange,
  tnumStep,
  tnumSubreg,
  tnumSubregIsConst,
  toS32,
  toS64,
  toU32,
  toU64,
} from './tnum.ts';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;
export const U32_MAX = (1n << 32n) - 1n;

export interface ScalarBounds {
  readonly varOff: Tnum;
  readonly smin: bigint;
  readonly smax: bigint;
  readonly umin: bigint;
  readonly umax: bigint;
  readonly s32min: bigint;
  readonly s32max: bigint;
  readonly u32min: bigint;
  readonly u32max: bigint;
}

/** A working copy used while transcribing kernel routines that update a register in place. */
export interface MutableScalar {
  varOff: Tnum;
  smin: bigint;
  smax: bigint;
  umin: bigint;
  umax: bigint;
  s32min: bigint;
  s32max: bigint;
  u32min: bigint;
  u32max: bigint;
}

export function thaw(s: ScalarBounds): MutableScalar {
  return {
    varOff: s.varOff,
    smin: s.smin,
    smax: s.smax,
    umin: s.umin,
    umax: s.umax,
    s32min: s.s32min,
    s32max: s.s32max,
    u32min: s.u32min,
    u32max: s.u32max,
  };
}

export function freeze(m: MutableScalar): ScalarBounds {
  return Object.freeze({
    varOff: m.varOff,
    smin: m.smin,
    smax: m.smax,
    umin: m.umin,
    umax: m.umax,
    s32min: m.s32min,
    s32max: m.s32max,
    u32min: m.u32min,
    u32max: m.u32max,
  });
}

/** Run an in-place kernel-style routine on a copy of `s`. */
export function withMut(s: ScalarBounds, f: (m: MutableScalar) => void): ScalarBounds {
  const m = thaw(s);
  f(m);
  return freeze(m);
}

const bmax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bmin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

// ---------------------------------------------------------------------------------------
// Constructors

/** ___mark_reg_known: every component describes the single value `imm` (taken mod 2^64). */
export function mMarkKnown(r: MutableScalar, imm: bigint): void {
  const v = toU64(imm);
  r.varOff = tnumConst(v);
  r.smin = toS64(v);
  r.smax = toS64(v);
  r.umin = v;
  r.umax = v;
  r.s32min = toS32(v);
  r.s32max = toS32(v);
  r.u32min = toU32(v);
  r.u32max = toU32(v);
}

/** __mark_reg32_known: only the low 32 bits (tnum subreg and 32-bit bounds) become `imm`. */
export function mMarkKnown32(r: MutableScalar, imm: bigint): void {
  r.varOff = tnumConstSubreg(r.varOff, imm);
  r.s32min = toS32(imm);
  r.s32max = toS32(imm);
  r.u32min = toU32(imm);
  r.u32max = toU32(imm);
}

/** __mark_reg_unbounded: all eight bounds reset; the tnum is left as is. */
export function mMarkUnbounded(r: MutableScalar): void {
  mMarkUnbounded64(r);
  mMarkUnbounded32(r);
}

/** __mark_reg64_unbounded. */
export function mMarkUnbounded64(r: MutableScalar): void {
  r.smin = S64_MIN;
  r.smax = S64_MAX;
  r.umin = 0n;
  r.umax = U64_MAX;
}

/** __mark_reg32_unbounded. */
export function mMarkUnbounded32(r: MutableScalar): void {
  r.s32min = S32_MIN;
  r.s32max = S32_MAX;
  r.u32min = 0n;
  r.u32max = U32_MAX;
}

/** A known constant (the state of `r = imm` / `r = ld_imm64`), value taken mod 2^64. */
export function scalarKnown(v: bigint): ScalarBounds {
  const m = thaw(UNKNOWN);
  mMarkKnown(m, v);
  return freeze(m);
}

/** __mark_reg32_known applied to `s`: low 32 bits become `v`, upper half untouched. */
export function scalarKnown32(s: ScalarBounds, v: bigint): ScalarBounds {
  return withMut(s, (m) => mMarkKnown32(m, v));
}

const UNKNOWN: ScalarBounds = Object.freeze({
  varOff: TNUM_UNKNOWN,
  smin: S64_MIN,
  smax: S64_MAX,
  umin: 0n,
  umax: U64_MAX,
  s32min: S32_MIN,
  s32max: S32_MAX,
  u32min: 0n,
  u32max: U32_MAX,
});

/** __mark_reg_unknown: nothing known (tnum unknown, all bounds at their extremes). */
export function scalarUnknown(): ScalarBounds {
  return UNKNOWN;
}

/** The scalar whose only knowledge is the tnum `t` (bounds derived by reg_bounds_sync). */
export function scalarFromTnum(t: Tnum): ScalarBounds {
  return regBoundsSync(freeze({ ...thaw(UNKNOWN), varOff: t }));
}

/**
 * The scalar described by the given components (missing ones unbounded/unknown), then
 * reg_bounds_sync'ed, like the kernel does after learning new facts.  Handy for tests
 * and for building states by hand.
 */
export function scalarFrom(parts: Partial<ScalarBounds>): ScalarBounds {
  return regBoundsSync(freeze({ ...thaw(UNKNOWN), ...parts }));
}

/** Unsigned 64-bit range [umin, umax], synced. */
export function scalarURange(umin: bigint, umax: bigint): ScalarBounds {
  return scalarFrom({ umin: toU64(umin), umax: toU64(umax) });
}

/** Signed 64-bit range [smin, smax], synced. */
export function scalarSRange(smin: bigint, smax: bigint): ScalarBounds {
  return scalarFrom({ smin: toS64(smin), smax: toS64(smax) });
}

/** Whether the tnum of `s` is a constant (the register prints as a plain number). */
export function scalarIsConst(s: ScalarBounds): boolean {
  return tnumIsConst(s.varOff);
}

/**
 * Whether the concrete u64 `x` is admitted by every component of `s` (the concretisation
 * of the reduced product is the intersection of the component concretisations).
 */
export function scalarContains(s: ScalarBounds, x: bigint): boolean {
  const u = toU64(x);
  const sv = toS64(u);
  const u32 = toU32(u);
  const s32 = toS32(u);
  return (
    (u & ~s.varOff.mask & U64_MAX) === s.varOff.value &&
    u >= s.umin &&
    u <= s.umax &&
    sv >= s.smin &&
    sv <= s.smax &&
    u32 >= s.u32min &&
    u32 <= s.u32max &&
    s32 >= s.s32min &&
    s32 <= s.s32max
  );
}

/**
 * Whether every field holds a value of its C type (u64 fields in [0, 2^64), s64 in
 * [-2^63, 2^63), ...) and the tnum is well formed.  Says nothing about consistency
 * between the fields (see regBoundsSanityCheck); a false here is a model bug.
 */
export function scalarWellFormed(s: ScalarBounds): boolean {
  const inU = (x: bigint, max: bigint): boolean => x >= 0n && x <= max;
  const inS = (x: bigint, min: bigint, max: bigint): boolean => x >= min && x <= max;
  return (
    inU(s.varOff.value, U64_MAX) &&
    inU(s.varOff.mask, U64_MAX) &&
    (s.varOff.value & s.varOff.mask) === 0n &&
    inU(s.umin, U64_MAX) &&
    inU(s.umax, U64_MAX) &&
    inS(s.smin, S64_MIN, S64_MAX) &&
    inS(s.smax, S64_MIN, S64_MAX) &&
    inU(s.u32min, U32_MAX) &&
    inU(s.u32max, U32_MAX) &&
    inS(s.s32min, S32_MIN, S32_MAX) &&
    inS(s.s32max, S32_MIN, S32_MAX)
  );
}

// ---------------------------------------------------------------------------------------
// Bounds from the tnum

/** __update_reg32_bounds: tighten the 32-bit bounds with what the low tnum word implies. */
export function mUpdateReg32Bounds(r: MutableScalar): void {
  const t = tnumSubreg(r.varOff);
  // smallest signed: sign bit set if it may be, other unknown bits clear
  r.s32min = bmax(r.s32min, toS32(t.value | (t.mask & 0x80000000n)));
  // largest signed: sign bit clear if it may be, other unknown bits set
  r.s32max = bmin(r.s32max, toS32(t.value | (t.mask & 0x7fffffffn)));
  r.u32min = bmax(r.u32min, toU32(t.value));
  r.u32max = bmin(r.u32max, toU32(t.value | t.mask));
}

/**
 * __update_reg64_bounds: tighten the 64-bit bounds with the tnum, then (6.18.y backport
 * of "bpf: Improve bounds when tnum has a single possible value") collapse the register
 * to a constant when the u64 interval and the tnum intersect in exactly one value.
 */
export function mUpdateReg64Bounds(r: MutableScalar): void {
  const t = r.varOff;
  r.smin = bmax(r.smin, toS64(t.value | (t.mask & (1n << 63n))));
  r.smax = bmin(r.smax, toS64(t.value | (t.mask & S64_MAX)));
  r.umin = bmax(r.umin, t.value);
  r.umax = bmin(r.umax, t.value | t.mask);

  const next = tnumStep(t, r.umin);
  const uminInTnum = (r.umin & ~t.mask & U64_MAX) === t.value;
  const tmax = t.value | t.mask;
  if (uminInTnum && next > r.umax) {
    // only umin itself is both in the interval and in the tnum
    mMarkKnown(r, r.umin);
  } else if (!uminInTnum && next === tmax) {
    // only the tnum's largest member can be in the interval
    mMarkKnown(r, tmax);
  } else if (!uminInTnum && next <= r.umax && tnumStep(t, next) > r.umax) {
    // exactly one tnum member lies strictly inside (umin, umax]
    mMarkKnown(r, next);
  }
}

/** __update_reg_bounds: 32-bit half first, then 64-bit. */
export function mUpdateRegBounds(r: MutableScalar): void {
  mUpdateReg32Bounds(r);
  mUpdateReg64Bounds(r);
}

// ---------------------------------------------------------------------------------------
// Cross-deduction between the four intervals

/** __reg32_deduce_bounds: learn 32-bit bounds from the 64-bit ones and u32 <-> s32. */
export function mReg32DeduceBounds(r: MutableScalar): void {
  // If the upper 32 bits are the same across the whole u64 range, the low words of umin
  // and umax bound the low word of every member (both as u32 and, when it does not wrap
  // around the s32 sign boundary, as s32).
  if (r.umin >> 32n === r.umax >> 32n) {
    r.u32min = bmax(r.u32min, toU32(r.umin));
    r.u32max = bmin(r.u32max, toU32(r.umax));
    if (toS32(r.umin) <= toS32(r.umax)) {
      r.s32min = bmax(r.s32min, toS32(r.umin));
      r.s32max = bmin(r.s32max, toS32(r.umax));
    }
  }
  // Same reasoning with the s64 range (arithmetic shift: upper words as s32).
  if (r.smin >> 32n === r.smax >> 32n) {
    if (toU32(r.smin) <= toU32(r.smax)) {
      r.u32min = bmax(r.u32min, toU32(r.smin));
      r.u32max = bmin(r.u32max, toU32(r.smax));
    }
    if (toS32(r.smin) <= toS32(r.smax)) {
      r.s32min = bmax(r.s32min, toS32(r.smin));
      r.s32max = bmin(r.s32max, toS32(r.smax));
    }
  }
  // Upper words are two consecutive numbers (mod 2^32) and the low words go from a
  // negative s32 to a non-negative one: the low words still form a valid s32 range.
  if (
    toU32(toU32(r.umin >> 32n) + 1n) === toU32(r.umax >> 32n) &&
    toS32(r.umin) < 0n &&
    toS32(r.umax) >= 0n
  ) {
    r.s32min = bmax(r.s32min, toS32(r.umin));
    r.s32max = bmin(r.s32max, toS32(r.umax));
  }
  if (
    toU32(toU32(r.smin >> 32n) + 1n) === toU32(r.smax >> 32n) &&
    toS32(r.smin) < 0n &&
    toS32(r.smax) >= 0n
  ) {
    r.s32min = bmax(r.s32min, toS32(r.smin));
    r.s32max = bmin(r.s32max, toS32(r.smax));
  }
  // u32 range not crossing the s32 sign boundary is also an s32 range ...
  if (toS32(r.u32min) <= toS32(r.u32max)) {
    r.s32min = bmax(r.s32min, toS32(r.u32min));
    r.s32max = bmin(r.s32max, toS32(r.u32max));
  }
  // ... and an s32 range not crossing the u32 wrap point is also a u32 range.
  if (toU32(r.s32min) <= toU32(r.s32max)) {
    r.u32min = bmax(r.u32min, toU32(r.s32min));
    r.u32max = bmin(r.u32max, toU32(r.s32max));
  } else if (r.u32max < toU32(r.s32min)) {
    // (6.18.y backport of the 32-bit twin of the s64 sign-boundary case below.)  The s32
    // range wraps into [u32(s32min), U32_MAX] U [0, u32(s32max)] and the u32 range only
    // meets the non-negative piece ...
    r.s32min = toS32(r.u32min);
    r.u32max = bmin(r.u32max, toU32(r.s32max));
  } else if (toU32(r.s32max) < r.u32min) {
    // ... or only the negative piece.
    r.s32max = toS32(r.u32max);
    r.u32min = bmax(r.u32min, toU32(r.s32min));
  }
}

/** __reg64_deduce_bounds: u64 <-> s64, including the sign-boundary-crossing cases. */
export function mReg64DeduceBounds(r: MutableScalar): void {
  // A u64 range within one half of the u64 space is also an s64 range.
  if (toS64(r.umin) <= toS64(r.umax)) {
    r.smin = bmax(r.smin, toS64(r.umin));
    r.smax = bmin(r.smax, toS64(r.umax));
  }
  if (toU64(r.smin) <= toU64(r.smax)) {
    // An s64 range not crossing the sign boundary is also a u64 range.
    r.umin = bmax(r.umin, toU64(r.smin));
    r.umax = bmin(r.umax, toU64(r.smax));
  } else {
    // The s64 range wraps in u64 terms into [u(smin), U64_MAX] U [0, u(smax)].  If the
    // u64 range meets only one of the two pieces, both ranges shrink to that piece.
    if (r.umax < toU64(r.smin)) {
      // u64 range only meets the non-negative piece [0, smax]
      r.smin = toS64(r.umin);
      r.umax = bmin(r.umax, toU64(r.smax));
    } else if (toU64(r.smax) < r.umin) {
      // u64 range only meets the negative piece [smin, -1]
      r.smax = toS64(r.umax);
      r.umin = bmax(r.umin, toU64(r.smin));
    }
  }
}

/** __reg_deduce_mixed_bounds: use the 32-bit bounds to tighten the 64-bit ones. */
export function mRegDeduceMixedBounds(r: MutableScalar): void {
  const HI = U64_MAX ^ U32_MAX; // ~0xffffffffULL
  // Substitute the u32 bounds into the low words of the u64 bounds (always well formed).
  const newUmin = (r.umin & HI) | r.u32min;
  const newUmax = (r.umax & HI) | r.u32max;
  r.umin = bmax(r.umin, newUmin);
  r.umax = bmin(r.umax, newUmax);
  // Same for s64: embedding a u32 range in the low word keeps s64 validity.
  const newSmin = toS64((toU64(r.smin) & HI) | r.u32min);
  const newSmax = toS64((toU64(r.smax) & HI) | r.u32max);
  r.smin = bmax(r.smin, newSmin);
  r.smax = bmin(r.smax, newSmax);

  // After a sign-extending move/load the s64 range can straddle
  // [0xffff_ffff_8000_0000, 0x0000_0000_7fff_ffff] = [(s64)S32_MIN, (s64)S32_MAX].
  // If additionally the low word is known non-negative as s32, the upper word cannot be
  // all ones (those members would be below S32_MIN), so the value is exactly the s32.
  if (r.s32min >= 0n && r.smin >= S32_MIN && r.smax <= S32_MAX) {
    r.smin = r.s32min;
    r.smax = r.s32max;
    // (u64) of the s32 values: s32max can be negative here when the state is already
    // contradictory (a dead branch), and the kernel then stores its u64 pattern
    r.umin = toU64(r.s32min);
    r.umax = toU64(r.s32max);
    r.varOff = tnumIntersect(r.varOff, tnumRange(toU64(r.smin), toU64(r.smax)));
  }
}

/**
 * How many times reg_bounds_sync runs __reg_deduce_bounds.  Three in 6.18.y and bpf-next
 * (older kernels: two).  Confirmed on the reference kernel with programs on which the
 * two- and three-round models disagree.
 */
export const DEDUCE_ROUNDS = 3;

/** __reg_deduce_bounds. */
export function mRegDeduceBounds(r: MutableScalar): void {
  mReg32DeduceBounds(r);
  mReg64DeduceBounds(r);
  mRegDeduceMixedBounds(r);
}

/** __reg_bound_offset: learn tnum bits from the u64 and u32 ranges. */
export function mRegBoundOffset(r: MutableScalar): void {
  const var64 = tnumIntersect(r.varOff, tnumRange(r.umin, r.umax));
  const var32 = tnumIntersect(tnumSubreg(var64), tnumRange(r.u32min, r.u32max));
  r.varOff = tnumOr(tnumClearSubreg(var64), var32);
}

/** reg_bounds_sync: propagate knowledge around all five components. */
export function mRegBoundsSync(r: MutableScalar): void {
  mUpdateRegBounds(r);
  for (let i = 0; i < DEDUCE_ROUNDS; i++) mRegDeduceBounds(r);
  mRegBoundOffset(r);
  mUpdateRegBounds(r);
}

/** __reg_assign_32_into_64: 64-bit bounds of a zero-extended 32-bit value. */
export function mRegAssign32Into64(r: MutableScalar): void {
  r.umin = r.u32min;
  r.umax = r.u32max;
  // s32 bounds carry over only when both are non-negative; otherwise start from the
  // whole zero-extended range and let later syncing refine it.
  if (r.s32min >= 0n && r.s32max >= 0n) {
    r.smin = r.s32min;
    r.smax = r.s32max;
  } else {
    r.smin = 0n;
    r.smax = U32_MAX;
  }
}

/** zext_32_to_64: the upper 32 bits become zero (every 32-bit ALU op does this). */
export function mZext32To64(r: MutableScalar): void {
  r.varOff = tnumSubreg(r.varOff);
  mRegAssign32Into64(r);
}

/** coerce_reg_to_size: truncate to `size` bytes (1, 2 or 4), zero-extending. */
export function mCoerceRegToSize(r: MutableScalar, size: number): void {
  r.varOff = tnumCast(r.varOff, size);
  const mask = (1n << BigInt(size * 8)) - 1n;
  const hi = U64_MAX ^ mask;
  if ((r.umin & hi) === (r.umax & hi)) {
    r.umin &= mask;
    r.umax &= mask;
  } else {
    r.umin = 0n;
    r.umax = mask;
  }
  r.smin = toS64(r.umin);
  r.smax = toS64(r.umax);
  // Below 32 bits the old 32-bit bounds no longer describe the truncated value.
  if (size < 4) mMarkUnbounded32(r);
  mRegBoundsSync(r);
}

function signExtend(v: bigint, size: number): bigint {
  return BigInt.asIntN(size * 8, v);
}

/** set_sext64_default_val. */
function mSetSext64Default(r: MutableScalar, size: number): void {
  const bits = BigInt(size * 8);
  const lo = -(1n << (bits - 1n));
  const hi = (1n << (bits - 1n)) - 1n;
  r.smin = lo;
  r.s32min = lo;
  r.smax = hi;
  r.s32max = hi;
  r.umin = 0n;
  r.u32min = 0n;
  r.umax = U64_MAX;
  r.u32max = U32_MAX;
  r.varOff = TNUM_UNKNOWN;
}

/**
 * coerce_reg_to_size_sx: sign-extend the low `size` bytes (1, 2 or 4) to 64 bits
 * (`r = (s8/s16/s32)r`, ldsx).  Note the kernel does not reg_bounds_sync here; the
 * 64-bit movsx path leaves the result exactly as this routine sets it.
 */
export function mCoerceRegToSizeSx(r: MutableScalar, size: number): void {
  const numBits = BigInt(size * 8);
  if (tnumIsConst(r.varOff)) {
    r.varOff = tnumConst(toU64(signExtend(r.varOff.value, size)));
    const c = r.varOff.value;
    r.smin = toS64(c);
    r.smax = toS64(c);
    r.umin = c;
    r.umax = c;
    r.s32min = toS32(c);
    r.s32max = toS32(c);
    r.u32min = toU32(c);
    r.u32max = toU32(c);
    return;
  }
  const topSmax = (toU64(r.smax) >> numBits) << numBits;
  const topSmin = (toU64(r.smin) >> numBits) << numBits;
  if (topSmax !== topSmin) {
    mSetSext64Default(r, size);
    return;
  }
  const initMax = signExtend(toU64(r.smax), size);
  const initMin = signExtend(toU64(r.smin), size);
  const s64max = bmax(initMax, initMin);
  const s64min = bmin(initMax, initMin);
  if (s64max >= 0n === s64min >= 0n) {
    // the C code assigns s64 values into s32/u32/u64 fields: truncating casts
    r.smin = s64min;
    r.s32min = toS32(s64min);
    r.smax = s64max;
    r.s32max = toS32(s64max);
    r.umin = toU64(s64min);
    r.u32min = toU32(s64min);
    r.umax = toU64(s64max);
    r.u32max = toU32(s64max);
    r.varOff = tnumRange(toU64(s64min), toU64(s64max));
    return;
  }
  mSetSext64Default(r, size);
}

/** set_sext32_default_val. */
function mSetSext32Default(r: MutableScalar, size: number): void {
  const bits = BigInt(size * 8);
  r.s32min = -(1n << (bits - 1n));
  r.s32max = (1n << (bits - 1n)) - 1n;
  r.u32min = 0n;
  r.u32max = U32_MAX;
  r.varOff = tnumSubreg(TNUM_UNKNOWN);
}

/**
 * coerce_subreg_to_size_sx: sign-extend the low `size` bytes (1 or 2) into the 32-bit
 * subregister (`w = (s8/s16)w`).  Only the subregister view is updated; the caller
 * zero-extends (zext_32_to_64) and syncs.  In the constant case the kernel builds a
 * 64-bit sign-extended tnum constant, which the following zext truncates.
 */
export function mCoerceSubregToSizeSx(r: MutableScalar, size: number): void {
  const numBits = BigInt(size * 8);
  if (tnumIsConst(r.varOff)) {
    const u32v = toU32(r.varOff.value);
    r.varOff = tnumConst(toU64(signExtend(u32v, size)));
    const v = toU32(r.varOff.value);
    r.s32min = toS32(v);
    r.s32max = toS32(v);
    r.u32min = v;
    r.u32max = v;
    return;
  }
  const topSmax = (toU32(r.s32max) >> numBits) << numBits;
  const topSmin = (toU32(r.s32min) >> numBits) << numBits;
  if (topSmax !== topSmin) {
    mSetSext32Default(r, size);
    return;
  }
  const initMax = signExtend(toU32(r.s32max), size);
  const initMin = signExtend(toU32(r.s32min), size);
  const s32max = bmax(initMax, initMin);
  const s32min = bmin(initMax, initMin);
  if (s32min >= 0n === s32max >= 0n) {
    r.s32min = s32min;
    r.s32max = s32max;
    r.u32min = toU32(s32min);
    r.u32max = toU32(s32max);
    r.varOff = tnumSubreg(tnumRange(toU64(s32min), toU64(s32max)));
    return;
  }
  mSetSext32Default(r, size);
}

// ---------------------------------------------------------------------------------------
// Sanity check (reg_bounds_sanity_check)

function hx(x: bigint, bits: 32 | 64): string {
  return '0x' + BigInt.asUintN(bits, x).toString(16);
}

/**
 * reg_bounds_sanity_check: null when the state is self-consistent, otherwise the text the
 * kernel logs after "verifier bug: " (in non-test mode the kernel then resets the
 * register's bounds, see applySanityCheck).  `ctx` is the kernel's context tag, e.g.
 * "alu", "true_reg1", "false_reg2", "s32_range".
 */
export function regBoundsSanityCheck(s: ScalarBounds, ctx = 'alu'): string | null {
  let msg: string | null = null;
  if (s.umin > s.umax || s.smin > s.smax || s.u32min > s.u32max || s.s32min > s.s32max) {
    msg = 'range bounds violation';
  } else if (tnumIsConst(s.varOff)) {
    const u = s.varOff.value;
    if (s.umin !== u || s.umax !== u || s.smin !== toS64(u) || s.smax !== toS64(u)) {
      msg = 'const tnum out of sync with range bounds';
    }
  }
  if (msg === null && tnumSubregIsConst(s.varOff)) {
    const u = tnumSubreg(s.varOff).value;
    if (s.u32min !== u || s.u32max !== u || s.s32min !== toS32(u) || s.s32max !== toS32(u)) {
      msg = 'const subreg tnum out of sync with range bounds';
    }
  }
  if (msg === null) return null;
  return (
    `REG INVARIANTS VIOLATION (${ctx}): ${msg} ` +
    `u64=[${hx(s.umin, 64)}, ${hx(s.umax, 64)}] ` +
    `s64=[${hx(s.smin, 64)}, ${hx(s.smax, 64)}] ` +
    `u32=[${hx(s.u32min, 32)}, ${hx(s.u32max, 32)}] ` +
    `s32=[${hx(s.s32min, 32)}, ${hx(s.s32max, 32)}] ` +
    `var_off=(${hx(s.varOff.value, 64)}, ${hx(s.varOff.mask, 64)})`
  );
}

export interface SanityResult {
  /** The register after the check: unchanged if sane, otherwise bounds reset (tnum kept). */
  readonly reg: ScalarBounds;
  /** The violation text (without the "verifier bug: " prefix), or null. */
  readonly violation: string | null;
}

/**
 * The kernel's handling of a failed sanity check outside selftest mode: log the bug and
 * __mark_reg_unbounded (the tnum is left untouched and nothing is re-synced).
 */
export function applySanityCheck(s: ScalarBounds, ctx = 'alu'): SanityResult {
  const violation = regBoundsSanityCheck(s, ctx);
  if (violation === null) return { reg: s, violation };
  return { reg: withMut(s, mMarkUnbounded), violation };
}

// ---------------------------------------------------------------------------------------
// Pure wrappers

export const updateReg32Bounds = (s: ScalarBounds): ScalarBounds => withMut(s, mUpdateReg32Bounds);
export const updateReg64Bounds = (s: ScalarBounds): ScalarBounds => withMut(s, mUpdateReg64Bounds);
export const updateRegBounds = (s: ScalarBounds): ScalarBounds => withMut(s, mUpdateRegBounds);
export const reg32DeduceBounds = (s: ScalarBounds): ScalarBounds => withMut(s, mReg32DeduceBounds);
export const reg64DeduceBounds = (s: ScalarBounds): ScalarBounds => withMut(s, mReg64DeduceBounds);
export const regDeduceMixedBounds = (s: ScalarBounds): ScalarBounds =>
  withMut(s, mRegDeduceMixedBounds);
export const regDeduceBounds = (s: ScalarBounds): ScalarBounds => withMut(s, mRegDeduceBounds);
export const regBoundOffset = (s: ScalarBounds): ScalarBounds => withMut(s, mRegBoundOffset);
export const regBoundsSync = (s: ScalarBounds): ScalarBounds => withMut(s, mRegBoundsSync);
export const markUnbounded = (s: ScalarBounds): ScalarBounds => withMut(s, mMarkUnbounded);
export const markReg64Unbounded = (s: ScalarBounds): ScalarBounds => withMut(s, mMarkUnbounded64);
export const markReg32Unbounded = (s: ScalarBounds): ScalarBounds => withMut(s, mMarkUnbounded32);
export const regAssign32Into64 = (s: ScalarBounds): ScalarBounds => withMut(s, mRegAssign32Into64);
export const zext32To64 = (s: ScalarBounds): ScalarBounds => withMut(s, mZext32To64);
export const coerceRegToSize = (s: ScalarBounds, size: 1 | 2 | 4): ScalarBounds =>
  withMut(s, (m) => mCoerceRegToSize(m, size));
export const coerceRegToSizeSx = (s: ScalarBounds, size: 1 | 2 | 4): ScalarBounds =>
  withMut(s, (m) => mCoerceRegToSizeSx(m, size));
export const coerceSubregToSizeSx = (s: ScalarBounds, size: 1 | 2): ScalarBounds =>
  withMut(s, (m) => mCoerceSubregToSizeSx(m, size));

/**
 * The state of a register after a narrow (1/2/4-byte) zero-extending load of an unknown
 * value, or any other "value fits in N bytes" fact: unknown, then coerce_reg_to_size.
 */
export function scalarUnknownOfSize(size: 1 | 2 | 4): ScalarBounds {
  return coerceRegToSize(UNKNOWN, size);
}

/**
 * Unknown value sign-extended from `size` bytes (the state after an ldsx/movsx of an
 * unknown source): unknown, then coerce_reg_to_size_sx.
 */
export function scalarUnknownSx(size: 1 | 2 | 4): ScalarBounds {
  return coerceRegToSizeSx(UNKNOWN, size);
}

/** 32-bit immediate as the kernel materialises a BPF_K operand: sign-extended to 64 bits. */
export function scalarImm(imm: number | bigint): ScalarBounds {
  return scalarKnown(BigInt.asIntN(32, BigInt(imm)));
}
