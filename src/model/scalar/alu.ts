// Scalar ALU transfer functions: adjust_scalar_min_max_vals() and the
// scalar{,32}_min_max_*() helpers of kernel/bpf/verifier.c, plus the scalar parts of
// check_alu_op() (BPF_MOV / MOVSX, BPF_NEG, BPF_END) and the final
// reg_bounds_sanity_check(env, dst, "alu") of Linux 6.18.y.
//
// Entry points:
//   scalarAlu(op, dst, src, is64)         -> the destination state on the current path
//   scalarAluOutcome(op, dst, src, is64)  -> same, plus the state pushed by
//                                           maybe_fork_scalars, why the result was
//                                           unbounded, and any sanity-check violation
//   aluUnboundedReason(op, src, is64)     -> why is_safe_to_compute_dst_reg_range()
//                                           refuses an operand (null when it accepts)
//
// `is64` selects BPF_ALU64 (true) or BPF_ALU (false).  For BPF_K forms pass
// scalarImm(imm) as `src` (the kernel builds a known register from the sign-extended
// imm; for 32-bit `w = imm` moves use op 'mov' with is64 false, which zero-extends).

import {
  type MutableScalar,
  type ScalarBounds,
  S32_MAX,
  S32_MIN,
  S64_MAX,
  S64_MIN,
  U32_MAX,
  U64_MAX,
  applySanityCheck,
  freeze,
  mCoerceRegToSize,
  mCoerceRegToSizeSx,
  mCoerceSubregToSizeSx,
  mMarkKnown,
  mMarkKnown32,
  mMarkUnbounded,
  mMarkUnbounded32,
  mMarkUnbounded64,
  mRegBoundsSync,
  mUpdateReg32Bounds,
  mUpdateRegBounds,
  mZext32To64,
  scalarKnown,
  scalarUnknown,
  thaw,
} from './scalar.ts';
import {
  TNUM_UNKNOWN,
  tnumAdd,
  tnumAnd,
  tnumArshift,
  tnumBswap16,
  tnumBswap32,
  tnumBswap64,
  tnumIsConst,
  tnumLshift,
  tnumMul,
  tnumNeg,
  tnumOr,
  tnumRshift,
  tnumSub,
  tnumSubreg,
  tnumSubregIsConst,
  tnumXor,
  toS32,
  toS64,
  toU32,
  toU64,
} from './tnum.ts';

/**
 * ALU operations.  'sdiv'/'smod' are BPF_DIV/BPF_MOD with off=1.  'movsx8/16/32' are
 * BPF_MOV with off=8/16/32 (movsx32 only exists for ALU64).  'bswap16/32/64' are the
 * ALU64 BPF_END|BPF_TO_LE forms (unconditional swap); 'le16/32/64' and 'be16/32/64'
 * are the ALU-class BPF_END forms (`is64` is ignored for all BPF_END variants; their
 * class is implied by the name).  'neg', 'bswap*', 'le*', 'be*' ignore `src`.
 */
export type AluOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'sdiv'
  | 'mod'
  | 'smod'
  | 'or'
  | 'and'
  | 'xor'
  | 'lsh'
  | 'rsh'
  | 'arsh'
  | 'neg'
  | 'mov'
  | 'movsx8'
  | 'movsx16'
  | 'movsx32'
  | 'bswap16'
  | 'bswap32'
  | 'bswap64'
  | 'le16'
  | 'le32'
  | 'le64'
  | 'be16'
  | 'be32'
  | 'be64';

export const ALU_OPS: readonly AluOp[] = [
  'add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'xor', 'lsh', 'rsh',
  'arsh', 'neg', 'mov', 'movsx8', 'movsx16', 'movsx32', 'bswap16', 'bswap32', 'bswap64',
  'le16', 'le32', 'le64', 'be16', 'be32', 'be64',
];

/**
 * Whether the model's target kernel is big-endian.  The reference machine is x86-64, so
 * to_le is a truncation/no-op and to_be swaps.
 */
export const TARGET_BIG_ENDIAN = false;

/**
 * Where the state pushed by maybe_fork_scalars() resumes.  The reference 6.18.y kernel
 * pushes it *at* the instruction (push_stack(env, insn_idx, ...), the fix for the unsound
 * BPF_OR forking), so the instruction is re-executed with dst = 0; the original code
 * resumed after the instruction with dst already 0 (wrong for OR: 0 | K = K).
 * Verified against the reference kernel's log ("from 9 to 9").
 */
export const FORK_REEXECUTES_INSN = true;

/**
 * Range tracking for BPF_DIV/BPF_MOD (signed and unsigned) with a constant divisor.
 * Not in 6.18.y: there is_safe_to_compute_dst_reg_range() rejects every DIV/MOD and the
 * destination becomes completely unknown (verified against the reference kernel).  Newer
 * bpf-next computes bounds for constant divisors; that code is kept below and enabled by
 * this switch.
 */
export const DIVMOD_RANGE_TRACKING = false;

// ---------------------------------------------------------------------------------------
// Overflow-checked arithmetic with C semantics: the wrapped result is always produced.

interface Checked {
  readonly v: bigint;
  readonly overflow: boolean;
}

function addS(a: bigint, b: bigint, bits: 32 | 64): Checked {
  const exact = a + b;
  const v = BigInt.asIntN(bits, exact);
  return { v, overflow: v !== exact };
}
function subS(a: bigint, b: bigint, bits: 32 | 64): Checked {
  const exact = a - b;
  const v = BigInt.asIntN(bits, exact);
  return { v, overflow: v !== exact };
}
function mulS(a: bigint, b: bigint, bits: 32 | 64): Checked {
  const exact = a * b;
  const v = BigInt.asIntN(bits, exact);
  return { v, overflow: v !== exact };
}
function addU(a: bigint, b: bigint, bits: 32 | 64): Checked {
  const exact = a + b;
  const v = BigInt.asUintN(bits, exact);
  return { v, overflow: v !== exact };
}
function subU(a: bigint, b: bigint, bits: 32 | 64): Checked {
  const exact = a - b;
  const v = BigInt.asUintN(bits, exact);
  return { v, overflow: v !== exact };
}
function mulU(a: bigint, b: bigint, bits: 32 | 64): Checked {
  const exact = a * b;
  const v = BigInt.asUintN(bits, exact);
  return { v, overflow: v !== exact };
}

const bmax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bmin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** C signed division (truncates toward zero), as div64_s64 / s32 '/'. */
function cdiv(a: bigint, b: bigint): bigint {
  return a / b; // BigInt division truncates toward zero, like C
}

// ---------------------------------------------------------------------------------------
// add / sub

function scalar32Add(d: MutableScalar, s: ScalarBounds): void {
  const lo = addS(d.s32min, s.s32min, 32);
  const hi = lo.overflow ? null : addS(d.s32max, s.s32max, 32);
  if (hi === null || hi.overflow) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    d.s32min = lo.v;
    d.s32max = hi.v;
  }
  // Sound if either no addition or every addition wraps; mixed wrapping loses everything.
  const umin = addU(d.u32min, s.u32min, 32);
  const umax = addU(d.u32max, s.u32max, 32);
  d.u32min = umin.v;
  d.u32max = umax.v;
  if (!umin.overflow && umax.overflow) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  }
}

function scalar64Add(d: MutableScalar, s: ScalarBounds): void {
  const lo = addS(d.smin, s.smin, 64);
  const hi = lo.overflow ? null : addS(d.smax, s.smax, 64);
  if (hi === null || hi.overflow) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = lo.v;
    d.smax = hi.v;
  }
  const umin = addU(d.umin, s.umin, 64);
  const umax = addU(d.umax, s.umax, 64);
  d.umin = umin.v;
  d.umax = umax.v;
  if (!umin.overflow && umax.overflow) {
    d.umin = 0n;
    d.umax = U64_MAX;
  }
}

/** scalar32_min_max_sub (src may be any state, e.g. the saved dst for BPF_NEG). */
function scalar32Sub(d: MutableScalar, s: ScalarBounds): void {
  const lo = subS(d.s32min, s.s32max, 32);
  const hi = lo.overflow ? null : subS(d.s32max, s.s32min, 32);
  if (hi === null || hi.overflow) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    d.s32min = lo.v;
    d.s32max = hi.v;
  }
  const umin = subU(d.u32min, s.u32max, 32);
  const umax = subU(d.u32max, s.u32min, 32);
  d.u32min = umin.v;
  d.u32max = umax.v;
  if (umin.overflow && !umax.overflow) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  }
}

function scalar64Sub(d: MutableScalar, s: ScalarBounds): void {
  const lo = subS(d.smin, s.smax, 64);
  const hi = lo.overflow ? null : subS(d.smax, s.smin, 64);
  if (hi === null || hi.overflow) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = lo.v;
    d.smax = hi.v;
  }
  const umin = subU(d.umin, s.umax, 64);
  const umax = subU(d.umax, s.umin, 64);
  d.umin = umin.v;
  d.umax = umax.v;
  if (umin.overflow && !umax.overflow) {
    d.umin = 0n;
    d.umax = U64_MAX;
  }
}

// ---------------------------------------------------------------------------------------
// mul

function scalar32Mul(d: MutableScalar, s: ScalarBounds): void {
  const umax = mulU(d.u32max, s.u32max, 32);
  const umin = umax.overflow ? null : mulU(d.u32min, s.u32min, 32);
  if (umin === null || umin.overflow) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  } else {
    d.u32min = umin.v;
    d.u32max = umax.v;
  }
  const prods = [
    mulS(d.s32min, s.s32min, 32),
    mulS(d.s32min, s.s32max, 32),
    mulS(d.s32max, s.s32min, 32),
    mulS(d.s32max, s.s32max, 32),
  ];
  if (prods.some((p) => p.overflow)) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    d.s32min = prods.map((p) => p.v).reduce(bmin);
    d.s32max = prods.map((p) => p.v).reduce(bmax);
  }
}

function scalar64Mul(d: MutableScalar, s: ScalarBounds): void {
  const umax = mulU(d.umax, s.umax, 64);
  const umin = umax.overflow ? null : mulU(d.umin, s.umin, 64);
  if (umin === null || umin.overflow) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = umin.v;
    d.umax = umax.v;
  }
  const prods = [
    mulS(d.smin, s.smin, 64),
    mulS(d.smin, s.smax, 64),
    mulS(d.smax, s.smin, 64),
    mulS(d.smax, s.smax, 64),
  ];
  if (prods.some((p) => p.overflow)) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = prods.map((p) => p.v).reduce(bmin);
    d.smax = prods.map((p) => p.v).reduce(bmax);
  }
}

// ---------------------------------------------------------------------------------------
// div / mod (constant, non-zero divisor: is_safe_to_compute_dst_reg_range guarantees it)

function resetReg64AndTnum(d: MutableScalar): void {
  mMarkUnbounded64(d);
  d.varOff = TNUM_UNKNOWN;
}
function resetReg32AndTnum(d: MutableScalar): void {
  mMarkUnbounded32(d);
  d.varOff = TNUM_UNKNOWN;
}

function scalar32Udiv(d: MutableScalar, s: ScalarBounds): void {
  const v = s.u32min;
  d.u32min = d.u32min / v;
  d.u32max = d.u32max / v;
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  resetReg64AndTnum(d);
}

function scalar64Udiv(d: MutableScalar, s: ScalarBounds): void {
  const v = s.umin;
  d.umin = d.umin / v;
  d.umax = d.umax / v;
  d.smin = S64_MIN;
  d.smax = S64_MAX;
  resetReg32AndTnum(d);
}

function scalar32Sdiv(d: MutableScalar, s: ScalarBounds): void {
  const v = s.s32min;
  // BPF defines S32_MIN / -1 = S32_MIN (no trap).
  if (d.s32min === S32_MIN && v === -1n) {
    if (d.s32max !== S32_MIN) {
      d.s32min = S32_MIN;
      d.s32max = S32_MAX;
    }
  } else {
    const r1 = cdiv(d.s32min, v);
    const r2 = cdiv(d.s32max, v);
    d.s32min = bmin(r1, r2);
    d.s32max = bmax(r1, r2);
  }
  d.u32min = 0n;
  d.u32max = U32_MAX;
  resetReg64AndTnum(d);
}

function scalar64Sdiv(d: MutableScalar, s: ScalarBounds): void {
  const v = s.smin;
  if (d.smin === S64_MIN && v === -1n) {
    if (d.smax !== S64_MIN) {
      d.smin = S64_MIN;
      d.smax = S64_MAX;
    }
  } else {
    const r1 = cdiv(d.smin, v);
    const r2 = cdiv(d.smax, v);
    d.smin = bmin(r1, r2);
    d.smax = bmax(r1, r2);
  }
  d.umin = 0n;
  d.umax = U64_MAX;
  resetReg32AndTnum(d);
}

function scalar32Umod(d: MutableScalar, s: ScalarBounds): void {
  const resMax = s.u32min - 1n;
  if (d.u32max <= resMax) return; // dividend already below the divisor: unchanged
  d.u32min = 0n;
  d.u32max = bmin(d.u32max, resMax);
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  resetReg64AndTnum(d);
}

function scalar64Umod(d: MutableScalar, s: ScalarBounds): void {
  const resMax = s.umin - 1n;
  if (d.umax <= resMax) return;
  d.umin = 0n;
  d.umax = bmin(d.umax, resMax);
  d.smin = S64_MIN;
  d.smax = S64_MAX;
  resetReg32AndTnum(d);
}

function scalar32Smod(d: MutableScalar, s: ScalarBounds): void {
  const v = s.s32min;
  const abs = v > 0n ? v : toU32(-v); // |S32_MIN| = 2^31 computed in u32
  const resMaxAbs = toS32(abs - 1n);
  if (d.s32min >= -resMaxAbs && d.s32max <= resMaxAbs) return;
  if (d.s32min >= 0n) {
    d.s32min = 0n;
    d.s32max = bmin(d.s32max, resMaxAbs);
  } else if (d.s32max <= 0n) {
    d.s32max = 0n;
    d.s32min = bmax(d.s32min, -resMaxAbs);
  } else {
    d.s32min = -resMaxAbs;
    d.s32max = resMaxAbs;
  }
  d.u32min = 0n;
  d.u32max = U32_MAX;
  resetReg64AndTnum(d);
}

function scalar64Smod(d: MutableScalar, s: ScalarBounds): void {
  const v = s.smin;
  const abs = v > 0n ? v : toU64(-v);
  const resMaxAbs = toS64(abs - 1n);
  if (d.smin >= -resMaxAbs && d.smax <= resMaxAbs) return;
  if (d.smin >= 0n) {
    d.smin = 0n;
    d.smax = bmin(d.smax, resMaxAbs);
  } else if (d.smax <= 0n) {
    d.smax = 0n;
    d.smin = bmax(d.smin, -resMaxAbs);
  } else {
    d.smin = -resMaxAbs;
    d.smax = resMaxAbs;
  }
  d.umin = 0n;
  d.umax = U64_MAX;
  resetReg32AndTnum(d);
}

// ---------------------------------------------------------------------------------------
// and / or / xor (dst.varOff already holds the new tnum when these run)

function s32FromU32(d: MutableScalar): void {
  if (toS32(d.u32min) <= toS32(d.u32max)) {
    d.s32min = toS32(d.u32min);
    d.s32max = toS32(d.u32max);
  } else {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  }
}

function s64FromU64(d: MutableScalar): void {
  if (toS64(d.umin) <= toS64(d.umax)) {
    d.smin = toS64(d.umin);
    d.smax = toS64(d.umax);
  } else {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  }
}

function scalar32And(d: MutableScalar, s: ScalarBounds): void {
  const t = tnumSubreg(d.varOff);
  if (tnumSubregIsConst(s.varOff) && tnumSubregIsConst(d.varOff)) {
    mMarkKnown32(d, t.value);
    return;
  }
  d.u32min = t.value; // the bits known to be set in both
  d.u32max = bmin(d.u32max, s.u32max);
  s32FromU32(d);
}

function scalar64And(d: MutableScalar, s: ScalarBounds): void {
  if (tnumIsConst(s.varOff) && tnumIsConst(d.varOff)) {
    mMarkKnown(d, d.varOff.value);
    return;
  }
  d.umin = d.varOff.value;
  d.umax = bmin(d.umax, s.umax);
  s64FromU64(d);
  mUpdateRegBounds(d);
}

function scalar32Or(d: MutableScalar, s: ScalarBounds): void {
  const t = tnumSubreg(d.varOff);
  if (tnumSubregIsConst(s.varOff) && tnumSubregIsConst(d.varOff)) {
    mMarkKnown32(d, t.value);
    return;
  }
  d.u32min = bmax(d.u32min, s.u32min);
  d.u32max = t.value | t.mask;
  s32FromU32(d);
}

function scalar64Or(d: MutableScalar, s: ScalarBounds): void {
  if (tnumIsConst(s.varOff) && tnumIsConst(d.varOff)) {
    mMarkKnown(d, d.varOff.value);
    return;
  }
  d.umin = bmax(d.umin, s.umin);
  d.umax = d.varOff.value | d.varOff.mask;
  s64FromU64(d);
  mUpdateRegBounds(d);
}

function scalar32Xor(d: MutableScalar, s: ScalarBounds): void {
  const t = tnumSubreg(d.varOff);
  if (tnumSubregIsConst(s.varOff) && tnumSubregIsConst(d.varOff)) {
    mMarkKnown32(d, t.value);
    return;
  }
  d.u32min = t.value;
  d.u32max = t.value | t.mask;
  s32FromU32(d);
}

function scalar64Xor(d: MutableScalar, s: ScalarBounds): void {
  if (tnumIsConst(s.varOff) && tnumIsConst(d.varOff)) {
    mMarkKnown(d, d.varOff.value);
    return;
  }
  d.umin = d.varOff.value;
  d.umax = d.varOff.value | d.varOff.mask;
  s64FromU64(d);
  mUpdateRegBounds(d);
}

// ---------------------------------------------------------------------------------------
// shifts (constant amount below the operation width)

function scalar32LshBounds(d: MutableScalar, uminVal: bigint, umaxVal: bigint): void {
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  // if the top bit might be shifted out, nothing is known
  if (umaxVal > 31n || d.u32max > 1n << (31n - umaxVal)) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  } else {
    d.u32min = toU32(d.u32min << uminVal);
    d.u32max = toU32(d.u32max << umaxVal);
  }
}

function scalar32Lsh(d: MutableScalar, s: ScalarBounds): void {
  const sub = tnumSubreg(d.varOff);
  scalar32LshBounds(d, s.u32min, s.u32max);
  d.varOff = tnumSubreg(tnumLshift(sub, Number(s.u32min)));
  mMarkUnbounded64(d);
  mUpdateReg32Bounds(d);
}

/**
 * Whether the "<<32" special case of __scalar64_min_max_lsh requires non-negative s32
 * bounds.  Linux 6.18 had the guard (the s64 bounds of `r <<= 32` were only derived from
 * non-negative s32 bounds); "bpf: verifier improvement in 32bit shift sign extension
 * pattern" removed it.  The reference 6.18.y kernel was observed without the guard.
 */
export const LSH32_REQUIRES_NONNEG = false;

function scalar64LshBounds(d: MutableScalar, uminVal: bigint, umaxVal: bigint): void {
  const is32 = uminVal === 32n && umaxVal === 32n;
  // `r <<= 32` (first half of the `<<32 s>>32` sign-extension idiom): the s32 bounds
  // become the s64 bounds of the upper word.
  if (is32 && (!LSH32_REQUIRES_NONNEG || d.s32max >= 0n)) d.smax = d.s32max << 32n;
  else d.smax = S64_MAX;
  if (is32 && (!LSH32_REQUIRES_NONNEG || d.s32min >= 0n)) d.smin = d.s32min << 32n;
  else d.smin = S64_MIN;
  if (d.umax > 1n << (63n - umaxVal)) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = toU64(d.umin << uminVal);
    d.umax = toU64(d.umax << umaxVal);
  }
}

function scalar64Lsh(d: MutableScalar, s: ScalarBounds): void {
  // the 64-bit computation reads the unshifted 32-bit bounds, so it goes first
  scalar64LshBounds(d, s.umin, s.umax);
  scalar32LshBounds(d, s.umin, s.umax);
  d.varOff = tnumLshift(d.varOff, Number(s.umin));
  mUpdateRegBounds(d);
}

function scalar32Rsh(d: MutableScalar, s: ScalarBounds): void {
  const sub = tnumSubreg(d.varOff);
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  d.varOff = tnumRshift(sub, Number(s.u32min));
  d.u32min = d.u32min >> s.u32max;
  d.u32max = d.u32max >> s.u32min;
  mMarkUnbounded64(d);
  mUpdateReg32Bounds(d);
}

function scalar64Rsh(d: MutableScalar, s: ScalarBounds): void {
  d.smin = S64_MIN;
  d.smax = S64_MAX;
  d.varOff = tnumRshift(d.varOff, Number(s.umin));
  d.umin = d.umin >> s.umax;
  d.umax = d.umax >> s.umin;
  mMarkUnbounded32(d);
  mUpdateRegBounds(d);
}

function scalar32Arsh(d: MutableScalar, s: ScalarBounds): void {
  const sh = s.u32min;
  d.s32min = d.s32min >> sh; // arithmetic shift of the s32 value
  d.s32max = d.s32max >> sh;
  d.varOff = tnumArshift(tnumSubreg(d.varOff), Number(sh), 32);
  d.u32min = 0n;
  d.u32max = U32_MAX;
  mMarkUnbounded64(d);
  mUpdateReg32Bounds(d);
}

function scalar64Arsh(d: MutableScalar, s: ScalarBounds): void {
  const sh = s.umin;
  d.smin = d.smin >> sh;
  d.smax = d.smax >> sh;
  d.varOff = tnumArshift(d.varOff, Number(sh), 64);
  d.umin = 0n;
  d.umax = U64_MAX;
  mMarkUnbounded32(d);
  mUpdateRegBounds(d);
}

// ---------------------------------------------------------------------------------------
// BPF_END

function isEndOp(op: AluOp): boolean {
  return op.startsWith('bswap') || op.startsWith('le') || op.startsWith('be');
}

function endWidth(op: AluOp): 16 | 32 | 64 {
  const w = Number(op.replace(/^(bswap|le|be)/, ''));
  return w === 16 ? 16 : w === 32 ? 32 : 64;
}

/** scalar_byte_swap. */
function scalarByteSwap(d: MutableScalar, op: AluOp): void {
  const width = endWidth(op);
  const alu64 = op.startsWith('bswap');
  const toLe = !op.startsWith('be'); // bswap is encoded as BPF_ALU64|BPF_END|BPF_TO_LE
  const needSwap = alu64 || toLe === TARGET_BIG_ENDIAN;
  if (needSwap) {
    if (width === 16) d.varOff = tnumBswap16(d.varOff);
    else if (width === 32) d.varOff = tnumBswap32(d.varOff);
    else d.varOff = tnumBswap64(d.varOff);
    // swapping scrambles the intervals; they are re-derived from the tnum later
    mMarkUnbounded(d);
  }
  if (width === 16 || width === 32) mCoerceRegToSize(d, width / 8);
}

// ---------------------------------------------------------------------------------------
// is_safe_to_compute_dst_reg_range and maybe_fork_scalars

function srcIsConst(src: ScalarBounds, is64: boolean): boolean {
  if (!is64) {
    return (
      tnumSubregIsConst(src.varOff) && src.s32min === src.s32max && src.u32min === src.u32max
    );
  }
  return tnumIsConst(src.varOff) && src.smin === src.smax && src.umin === src.umax;
}

/**
 * Why adjust_scalar_min_max_vals() gives up and marks the destination completely
 * unknown (__mark_reg_unknown: all 64 bits, no zero-extension even for ALU32) instead of
 * computing the result; null when the result is computed.  Mirrors
 * is_safe_to_compute_dst_reg_range(): add/sub/neg/and/or/xor/mul/end are always
 * computed; div/mod/sdiv/smod need a constant divisor (a constant 0 is fine: x/0 = 0,
 * x%0 = x); shifts need a constant amount that is below the operation width (32 or 64).
 * "Constant" means tnum constant and min == max in both the signed and unsigned bounds
 * of the operation width.  MOV/MOVSX never reach this check.
 */
export function aluUnboundedReason(op: AluOp, src: ScalarBounds, is64: boolean): string | null {
  const width = is64 ? 64n : 32n;
  switch (op) {
    case 'add':
    case 'sub':
    case 'neg':
    case 'and':
    case 'or':
    case 'xor':
    case 'mul':
    case 'mov':
    case 'movsx8':
    case 'movsx16':
    case 'movsx32':
      return null;
    case 'div':
    case 'sdiv':
    case 'mod':
    case 'smod':
      if (!DIVMOD_RANGE_TRACKING) return 'division and modulo results are not tracked';
      return srcIsConst(src, is64) ? null : 'divisor is not a known constant';
    case 'lsh':
    case 'rsh':
    case 'arsh':
      if (!srcIsConst(src, is64)) return 'shift amount is not a known constant';
      // the kernel compares the 64-bit umax with the width even for ALU32
      if (src.umax >= width) return `shift amount may be >= ${width}`;
      return null;
    default:
      return isEndOp(op) ? null : 'unsupported operation';
  }
}

export interface AluOutcome {
  /** Destination on the path that continues from this instruction. */
  readonly result: ScalarBounds;
  /**
   * maybe_fork_scalars(): for AND/OR with a tnum-constant src and a dst whose s64 (or
   * else s32) range is exactly [-1, 0], the kernel splits the path: this is the
   * destination on the pushed path (dst = 0 case), as it stands after the instruction.
   * The current path (`result`) continues with dst = -1.  null when no fork happens.
   */
  readonly forked: ScalarBounds | null;
  /**
   * The destination as pushed by maybe_fork_scalars (0 in the width that matched), i.e.
   * the input of the re-executed instruction when FORK_REEXECUTES_INSN, otherwise equal
   * to `forked`.  null when no fork happens.
   */
  readonly forkedInput: ScalarBounds | null;
  /** Why the result was marked unknown rather than computed (see aluUnboundedReason). */
  readonly unboundedReason: string | null;
  /** A reg_bounds_sanity_check failure on `result` (bounds then reset, tnum kept). */
  readonly violation: string | null;
}

function mAdjustScalar(op: AluOp, d: MutableScalar, src: ScalarBounds, alu32: boolean): void {
  switch (op) {
    case 'add':
      scalar32Add(d, src);
      scalar64Add(d, src);
      d.varOff = tnumAdd(d.varOff, src.varOff);
      break;
    case 'sub':
      scalar32Sub(d, src);
      scalar64Sub(d, src);
      d.varOff = tnumSub(d.varOff, src.varOff);
      break;
    case 'neg': {
      // 0 - dst, computed with the sub helpers on a copy of the old dst
      const old = freeze(d);
      mMarkKnown(d, 0n);
      scalar32Sub(d, old);
      scalar64Sub(d, old);
      d.varOff = tnumNeg(old.varOff);
      break;
    }
    case 'mul':
      d.varOff = tnumMul(d.varOff, src.varOff);
      scalar32Mul(d, src);
      scalar64Mul(d, src);
      break;
    case 'div':
    case 'sdiv':
      if ((alu32 && src.u32min === 0n) || (!alu32 && src.umin === 0n)) {
        mMarkKnown(d, 0n); // BPF: x / 0 = 0
        break;
      }
      if (op === 'sdiv') {
        if (alu32) scalar32Sdiv(d, src);
        else scalar64Sdiv(d, src);
      } else if (alu32) scalar32Udiv(d, src);
      else scalar64Udiv(d, src);
      break;
    case 'mod':
    case 'smod':
      if ((alu32 && src.u32min === 0n) || (!alu32 && src.umin === 0n)) break; // x % 0 = x
      if (op === 'smod') {
        if (alu32) scalar32Smod(d, src);
        else scalar64Smod(d, src);
      } else if (alu32) scalar32Umod(d, src);
      else scalar64Umod(d, src);
      break;
    case 'and':
      d.varOff = tnumAnd(d.varOff, src.varOff);
      scalar32And(d, src);
      scalar64And(d, src);
      break;
    case 'or':
      d.varOff = tnumOr(d.varOff, src.varOff);
      scalar32Or(d, src);
      scalar64Or(d, src);
      break;
    case 'xor':
      d.varOff = tnumXor(d.varOff, src.varOff);
      scalar32Xor(d, src);
      scalar64Xor(d, src);
      break;
    case 'lsh':
      if (alu32) scalar32Lsh(d, src);
      else scalar64Lsh(d, src);
      break;
    case 'rsh':
      if (alu32) scalar32Rsh(d, src);
      else scalar64Rsh(d, src);
      break;
    case 'arsh':
      if (alu32) scalar32Arsh(d, src);
      else scalar64Arsh(d, src);
      break;
    default:
      if (isEndOp(op)) scalarByteSwap(d, op);
      break;
  }
  // ALU32 results are zero-extended (BPF_END handles its own truncation).
  if (alu32 && !isEndOp(op)) mZext32To64(d);
  mRegBoundsSync(d);
}

/** Scalar part of the BPF_MOV cases of check_alu_op (src is a scalar). */
function movResult(op: AluOp, dst: ScalarBounds, src: ScalarBounds, is64: boolean): ScalarBounds {
  void dst;
  const d = thaw(src); // copy_register_state
  if (is64) {
    if (op === 'movsx8') mCoerceRegToSizeSx(d, 1);
    else if (op === 'movsx16') mCoerceRegToSizeSx(d, 2);
    else if (op === 'movsx32') mCoerceRegToSizeSx(d, 4);
    // 64-bit moves are not re-synced by the kernel
    return freeze(d);
  }
  if (op === 'movsx8') mCoerceSubregToSizeSx(d, 1);
  else if (op === 'movsx16') mCoerceSubregToSizeSx(d, 2);
  mZext32To64(d);
  mRegBoundsSync(d);
  return freeze(d);
}

/**
 * The full outcome of a scalar ALU instruction `dst op= src` (see AluOutcome).
 * Invalid encodings the kernel rejects before reaching the bounds code (shift by an
 * immediate out of range, division by an immediate 0, movsx32 in ALU32, ...) are the
 * caller's responsibility; given such inputs this function still returns what
 * adjust_scalar_min_max_vals would compute.
 */
export function scalarAluOutcome(
  op: AluOp,
  dst: ScalarBounds,
  src: ScalarBounds,
  is64: boolean,
): AluOutcome {
  if (op === 'mov' || op === 'movsx8' || op === 'movsx16' || op === 'movsx32') {
    const { reg, violation } = applySanityCheck(movResult(op, dst, src, is64), 'alu');
    return { result: reg, forked: null, forkedInput: null, unboundedReason: null, violation };
  }
  // BPF_END's class is part of the op name; bswap is ALU64, le/be are ALU.
  const alu32 = isEndOp(op) ? !op.startsWith('bswap') : !is64;
  const effSrc = op === 'neg' || isEndOp(op) ? dst : src;
  const reason = aluUnboundedReason(op, effSrc, !alu32);
  if (reason !== null) {
    return {
      result: scalarUnknown(),
      forked: null,
      forkedInput: null,
      unboundedReason: reason,
      violation: null,
    };
  }

  let forked: ScalarBounds | null = null;
  let forkedInput: ScalarBounds | null = null;
  const d = thaw(dst);
  if ((op === 'and' || op === 'or') && tnumIsConst(src.varOff)) {
    // maybe_fork_scalars: split a [-1, 0] destination into its two values
    let forkAlu32: boolean | null = null;
    if (d.smin === -1n && d.smax === 0n) forkAlu32 = false;
    else if (d.s32min === -1n && d.s32max === 0n) forkAlu32 = true;
    if (forkAlu32 !== null) {
      const zero = thaw(dst);
      if (forkAlu32) {
        mMarkKnown32(zero, 0n);
        mMarkKnown32(d, U64_MAX);
      } else {
        mMarkKnown(zero, 0n);
        mMarkKnown(d, U64_MAX);
      }
      forkedInput = freeze(zero);
      forked = FORK_REEXECUTES_INSN
        ? scalarAluOutcome(op, forkedInput, src, is64).result
        : forkedInput;
    }
  }
  mAdjustScalar(op, d, effSrc, alu32);
  const { reg, violation } = applySanityCheck(freeze(d), 'alu');
  return { result: reg, forked, forkedInput, unboundedReason: null, violation };
}

/**
 * adjust_scalar_min_max_vals (and the scalar MOV/MOVSX cases of check_alu_op): the new
 * state of `dst` after `dst op= src` on the path that continues past the instruction.
 * When maybe_fork_scalars splits the path, this is the dst = -1 side; see
 * scalarAluOutcome for the other side.
 */
export function scalarAlu(
  op: AluOp,
  dst: ScalarBounds,
  src: ScalarBounds,
  is64: boolean,
): ScalarBounds {
  return scalarAluOutcome(op, dst, src, is64).result;
}

/** Concrete semantics of the ALU operations (u64 in, u64 out), for tests and tools. */
export function concreteAlu(op: AluOp, dst: bigint, src: bigint, is64: boolean): bigint {
  const w = is64 ? 64 : 32;
  const a = BigInt.asUintN(w, dst);
  const b = BigInt.asUintN(w, src);
  const sa = BigInt.asIntN(w, a);
  const sb = BigInt.asIntN(w, b);
  const fin = (x: bigint): bigint => BigInt.asUintN(w, x);
  switch (op) {
    case 'add':
      return fin(a + b);
    case 'sub':
      return fin(a - b);
    case 'mul':
      return fin(a * b);
    case 'div':
      return b === 0n ? 0n : a / b;
    case 'sdiv':
      if (sb === 0n) return 0n;
      return fin(sa / sb); // S_MIN / -1 wraps to S_MIN
    case 'mod':
      return b === 0n ? a : a % b;
    case 'smod':
      if (sb === 0n) return a;
      return fin(sa % sb); // sign of the dividend, like C
    case 'or':
      return a | b;
    case 'and':
      return a & b;
    case 'xor':
      return a ^ b;
    case 'lsh':
      return fin(a << (b & BigInt(w - 1)));
    case 'rsh':
      return a >> (b & BigInt(w - 1));
    case 'arsh':
      return fin(sa >> (b & BigInt(w - 1)));
    case 'neg':
      return fin(-a);
    case 'mov':
      return b;
    case 'movsx8':
      return fin(BigInt.asIntN(8, b));
    case 'movsx16':
      return fin(BigInt.asIntN(16, b));
    case 'movsx32':
      return toU64(BigInt.asIntN(32, b));
    default: {
      const width = endWidth(op);
      const x = toU64(dst);
      const swap = op.startsWith('bswap') || op.startsWith('le') === TARGET_BIG_ENDIAN;
      const trunc = BigInt.asUintN(width, x);
      if (!swap) return trunc;
      let out = 0n;
      let v = trunc;
      for (let i = 0; i < width / 8; i++) {
        out = (out << 8n) | (v & 0xffn);
        v >>= 8n;
      }
      return out;
    }
  }
}

/** The kernel's BPF_K operand for ALU ops: the sign-extended 32-bit immediate. */
export function aluImm(imm: number | bigint): ScalarBounds {
  return scalarKnown(BigInt.asIntN(32, BigInt(imm)));
}

/**
 * The arithmetic sync_linked_regs() applies to a register linked to `known` with a
 * constant delta (BPF_ADD_CONST): the kernel copies `known`, then adds a fake known
 * register holding `delta` with scalar32_min_max_add(), scalar_min_max_add() and
 * tnum_add(); when either side of the link came from an alu32 add it zero-extends
 * (zext_32_to_64) before the final reg_bounds_sync(). No sanity check follows.
 */
export function scalarAddLinkDelta(known: ScalarBounds, delta: bigint, zext: boolean): ScalarBounds {
  const d = thaw(known);
  const fake = scalarKnown(BigInt.asUintN(64, delta));
  scalar32Add(d, fake);
  scalar64Add(d, fake);
  d.varOff = tnumAdd(d.varOff, fake.varOff);
  if (zext) mZext32To64(d);
  mRegBoundsSync(d);
  return freeze(d);
}
