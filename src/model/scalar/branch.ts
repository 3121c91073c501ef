// Conditional jumps on scalars: is_scalar_branch_taken(), regs_refine_cond_op() and
// reg_set_min_max() of kernel/bpf/verifier.c (Linux 6.18.y).
//
// `a` is the destination register (left operand), `b` the source register or, for
// BPF_K jumps, the fake register the kernel builds with __mark_reg_known(imm) where imm
// is the sign-extended 32-bit immediate (use scalarImm(imm) from scalar.ts).  `is32`
// selects BPF_JMP32.

import {
  type MutableScalar,
  type ScalarBounds,
  applySanityCheck,
  freeze,
  mMarkUnbounded,
  mRegBoundsSync,
  regBoundsSanityCheck,
  thaw,
} from './scalar.ts';
import {
  type Tnum,
  tnumAnd,
  tnumConst,
  tnumIntersect,
  tnumIsConst,
  tnumOr,
  tnumOverlap,
  tnumSubreg,
  tnumWithSubreg,
  toS32,
  toS64,
  toU32,
  toU64,
} from './tnum.ts';

export type JmpOp =
  | 'jeq'
  | 'jne'
  | 'jset'
  | 'jgt'
  | 'jge'
  | 'jlt'
  | 'jle'
  | 'jsgt'
  | 'jsge'
  | 'jslt'
  | 'jsle';

export const JMP_OPS: readonly JmpOp[] = [
  'jeq', 'jne', 'jset', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle',
];

/** Opcodes used by the refinement code: the 11 jumps plus "not jset" (BPF_JSET|BPF_X). */
type RefineOp = JmpOp | 'jnset';

export interface BranchOpts {
  /**
   * Both operands are the same register (`if r1 > r1`, BPF_X with src == dst).  In the
   * reference 6.18.y kernel this is not special-cased: the ranges decide the jump as for
   * two registers, and when they do not, regs_refine_cond_op() runs with reg1 and reg2
   * aliasing the same bpf_reg_state (so e.g. the impossible edge of `r1 < r1` shaves one
   * off both ends).  Pass `a` and `b` equal when setting this.
   */
  readonly sameReg?: boolean;
}

/**
 * Newer bpf-next decides same-register jumps from the opcode alone
 * (is_scalar_branch_taken's `reg1 == reg2` switch) and reg_set_min_max() returns early
 * for them.  Not in the reference 6.18.y kernel (verified against its logs).
 */
export const SAME_REG_SHORTCUT = false;

/** flip_opcode: the jump that tests `b op' a` for `a op b`. */
export function flipOpcode(op: JmpOp): JmpOp {
  switch (op) {
    case 'jge':
      return 'jle';
    case 'jgt':
      return 'jlt';
    case 'jle':
      return 'jge';
    case 'jlt':
      return 'jgt';
    case 'jsge':
      return 'jsle';
    case 'jsgt':
      return 'jslt';
    case 'jsle':
      return 'jsge';
    case 'jslt':
      return 'jsgt';
    default:
      return op;
  }
}

/** rev_opcode: the condition that holds on the fall-through (false) edge. */
function revOpcode(op: RefineOp): RefineOp {
  switch (op) {
    case 'jeq':
      return 'jne';
    case 'jne':
      return 'jeq';
    case 'jset':
      return 'jnset';
    case 'jnset':
      return 'jset';
    case 'jge':
      return 'jlt';
    case 'jgt':
      return 'jle';
    case 'jle':
      return 'jgt';
    case 'jlt':
      return 'jge';
    case 'jsge':
      return 'jslt';
    case 'jsgt':
      return 'jsle';
    case 'jsle':
      return 'jsgt';
    case 'jslt':
      return 'jsge';
  }
}

/** is_reg_const for a scalar: tnum constant (in the low word for 32-bit jumps). */
function isConst(r: ScalarBounds | MutableScalar, is32: boolean): boolean {
  return tnumIsConst(is32 ? tnumSubreg(r.varOff) : r.varOff);
}

/** reg_const_value. */
function constValue(r: ScalarBounds | MutableScalar, is32: boolean): bigint {
  return is32 ? tnumSubreg(r.varOff).value : r.varOff.value;
}

/**
 * is_scalar_branch_taken: 1 if the jump is always taken, 0 if never, -1 if unknown.
 * Only the bounds of the compared width are consulted, except that 64-bit JEQ/JNE also
 * look at the 32-bit bounds to rule out equality.
 */
export function isBranchTaken(
  op: JmpOp,
  a: ScalarBounds,
  b: ScalarBounds,
  is32: boolean,
  opts: BranchOpts = {},
): 1 | 0 | -1 {
  let t1: Tnum = is32 ? tnumSubreg(a.varOff) : a.varOff;
  let t2: Tnum = is32 ? tnumSubreg(b.varOff) : b.varOff;
  const umin1 = is32 ? a.u32min : a.umin;
  const umax1 = is32 ? a.u32max : a.umax;
  const smin1 = is32 ? a.s32min : a.smin;
  const smax1 = is32 ? a.s32max : a.smax;
  const umin2 = is32 ? b.u32min : b.umin;
  const umax2 = is32 ? b.u32max : b.umax;
  const smin2 = is32 ? b.s32min : b.smin;
  const smax2 = is32 ? b.s32max : b.smax;

  if (SAME_REG_SHORTCUT && opts.sameReg === true) {
    switch (op) {
      case 'jge':
      case 'jle':
      case 'jsge':
      case 'jsle':
      case 'jeq':
        return 1;
      case 'jgt':
      case 'jlt':
      case 'jsgt':
      case 'jslt':
      case 'jne':
        return 0;
      case 'jset':
        if (tnumIsConst(t1)) return t1.value !== 0n ? 1 : 0;
        return smin1 <= 0n && smax1 >= 0n ? -1 : 1;
    }
  }

  switch (op) {
    case 'jeq':
    case 'jne': {
      const eq = op === 'jeq' ? 1 : 0;
      const ne = op === 'jeq' ? 0 : 1;
      if (tnumIsConst(t1) && tnumIsConst(t2)) return t1.value === t2.value ? eq : ne;
      if (!tnumOverlap(t1, t2)) return ne;
      if (umin1 > umax2 || umax1 < umin2) return ne;
      if (smin1 > smax2 || smax1 < smin2) return ne;
      if (!is32) {
        // inconclusive 64-bit ranges: the 32-bit halves may still rule equality out
        if (a.u32min > b.u32max || a.u32max < b.u32min) return ne;
        if (a.s32min > b.s32max || a.s32max < b.s32min) return ne;
      }
      return -1;
    }
    case 'jset': {
      let r2 = b;
      if (!isConst(r2, is32)) {
        r2 = a;
        [t1, t2] = [t2, t1];
      }
      if (!isConst(r2, is32)) return -1;
      if ((~t1.mask & t1.value & t2.value) !== 0n) return 1;
      if (((t1.mask | t1.value) & t2.value) === 0n) return 0;
      return -1;
    }
    case 'jgt':
      if (umin1 > umax2) return 1;
      if (umax1 <= umin2) return 0;
      return -1;
    case 'jsgt':
      if (smin1 > smax2) return 1;
      if (smax1 <= smin2) return 0;
      return -1;
    case 'jlt':
      if (umax1 < umin2) return 1;
      if (umin1 >= umax2) return 0;
      return -1;
    case 'jslt':
      if (smax1 < smin2) return 1;
      if (smin1 >= smax2) return 0;
      return -1;
    case 'jge':
      if (umin1 >= umax2) return 1;
      if (umax1 < umin2) return 0;
      return -1;
    case 'jsge':
      if (smin1 >= smax2) return 1;
      if (smax1 < smin2) return 0;
      return -1;
    case 'jle':
      if (umax1 <= umin2) return 1;
      if (umin1 > umax2) return 0;
      return -1;
    case 'jsle':
      if (smax1 <= smin2) return 1;
      if (smin1 > smax2) return 0;
      return -1;
  }
}

const bmax = (x: bigint, y: bigint): bigint => (x > y ? x : y);
const bmin = (x: bigint, y: bigint): bigint => (x < y ? x : y);

/** regs_refine_cond_op: learn from `r1 op r2` holding (in place, on both registers). */
function refineCondOp(
  reg1In: MutableScalar,
  reg2In: MutableScalar,
  opIn: RefineOp,
  is32: boolean,
): void {
  let r1 = reg1In;
  let r2 = reg2In;
  let op = opIn;
  // GE/GT/SGE/SGT are handled as LE/LT/SLE/SLT with the operands swapped
  if (op === 'jge' || op === 'jgt' || op === 'jsge' || op === 'jsgt') {
    op = flipOpcode(op);
    [r1, r2] = [r2, r1];
  }
  switch (op) {
    case 'jeq':
      if (is32) {
        r1.u32min = bmax(r1.u32min, r2.u32min);
        r1.u32max = bmin(r1.u32max, r2.u32max);
        r1.s32min = bmax(r1.s32min, r2.s32min);
        r1.s32max = bmin(r1.s32max, r2.s32max);
        r2.u32min = r1.u32min;
        r2.u32max = r1.u32max;
        r2.s32min = r1.s32min;
        r2.s32max = r1.s32max;
        const t = tnumIntersect(tnumSubreg(r1.varOff), tnumSubreg(r2.varOff));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
        r2.varOff = tnumWithSubreg(r2.varOff, t);
      } else {
        r1.umin = bmax(r1.umin, r2.umin);
        r1.umax = bmin(r1.umax, r2.umax);
        r1.smin = bmax(r1.smin, r2.smin);
        r1.smax = bmin(r1.smax, r2.smax);
        r2.umin = r1.umin;
        r2.umax = r1.umax;
        r2.smin = r1.smin;
        r2.smax = r1.smax;
        r1.varOff = tnumIntersect(r1.varOff, r2.varOff);
        r2.varOff = r1.varOff;
      }
      break;
    case 'jne': {
      if (!isConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isConst(r2, is32)) break;
      // a constant at the very edge of the other range shaves that edge off
      const val = constValue(r2, is32);
      if (is32) {
        if (r1.u32min === toU32(val)) r1.u32min = toU32(r1.u32min + 1n);
        if (r1.u32max === toU32(val)) r1.u32max = toU32(r1.u32max - 1n);
        if (r1.s32min === toS32(val)) r1.s32min = toS32(r1.s32min + 1n);
        if (r1.s32max === toS32(val)) r1.s32max = toS32(r1.s32max - 1n);
      } else {
        if (r1.umin === toU64(val)) r1.umin = toU64(r1.umin + 1n);
        if (r1.umax === toU64(val)) r1.umax = toU64(r1.umax - 1n);
        if (r1.smin === toS64(val)) r1.smin = toS64(r1.smin + 1n);
        if (r1.smax === toS64(val)) r1.smax = toS64(r1.smax - 1n);
      }
      break;
    }
    case 'jset': {
      if (!isConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isConst(r2, is32)) break;
      const val = constValue(r2, is32);
      // `r1 & val` non-zero only pins a bit down when val has a single bit
      if (val === 0n || (val & (val - 1n)) !== 0n) break;
      if (is32) {
        const t = tnumOr(tnumSubreg(r1.varOff), tnumConst(val));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
      } else {
        r1.varOff = tnumOr(r1.varOff, tnumConst(val));
      }
      break;
    }
    case 'jnset': {
      if (!isConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isConst(r2, is32)) break;
      const val = constValue(r2, is32);
      // Forget the ranges first so a dead branch cannot produce an invariant violation;
      // the bits of val are known clear.
      mMarkUnbounded(r1);
      const notVal = toU64(~val);
      if (is32) {
        const t = tnumAnd(tnumSubreg(r1.varOff), tnumConst(notVal));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
      } else {
        r1.varOff = tnumAnd(r1.varOff, tnumConst(notVal));
      }
      break;
    }
    case 'jle':
      if (is32) {
        r1.u32max = bmin(r1.u32max, r2.u32max);
        r2.u32min = bmax(r1.u32min, r2.u32min);
      } else {
        r1.umax = bmin(r1.umax, r2.umax);
        r2.umin = bmax(r1.umin, r2.umin);
      }
      break;
    case 'jlt':
      // the kernel's -1 / +1 wrap in the field's C type
      if (is32) {
        r1.u32max = bmin(r1.u32max, toU32(r2.u32max - 1n));
        r2.u32min = bmax(toU32(r1.u32min + 1n), r2.u32min);
      } else {
        r1.umax = bmin(r1.umax, toU64(r2.umax - 1n));
        r2.umin = bmax(toU64(r1.umin + 1n), r2.umin);
      }
      break;
    case 'jsle':
      if (is32) {
        r1.s32max = bmin(r1.s32max, r2.s32max);
        r2.s32min = bmax(r1.s32min, r2.s32min);
      } else {
        r1.smax = bmin(r1.smax, r2.smax);
        r2.smin = bmax(r1.smin, r2.smin);
      }
      break;
    case 'jslt':
      if (is32) {
        r1.s32max = bmin(r1.s32max, toS32(r2.s32max - 1n));
        r2.s32min = bmax(toS32(r1.s32min + 1n), r2.s32min);
      } else {
        r1.smax = bmin(r1.smax, toS64(r2.smax - 1n));
        r2.smin = bmax(toS64(r1.smin + 1n), r2.smin);
      }
      break;
    default:
      break;
  }
}

/**
 * regs_refine_cond_op + reg_bounds_sync on both operands for one edge, without the
 * sanity check: exactly the two states the kernel holds before reg_bounds_sanity_check.
 * `taken` selects the jump edge (true) or the fall-through edge (false).
 */
export function refineOnBranchRaw(
  op: JmpOp,
  a: ScalarBounds,
  b: ScalarBounds,
  is32: boolean,
  taken: boolean,
  opts: BranchOpts = {},
): [ScalarBounds, ScalarBounds] {
  const r1 = thaw(a);
  // same register: both operands are one bpf_reg_state, synced twice like in the kernel
  const r2 = opts.sameReg === true ? r1 : thaw(b);
  refineCondOp(r1, r2, taken ? op : revOpcode(op), is32);
  mRegBoundsSync(r1);
  const f1 = freeze(r1);
  mRegBoundsSync(r2);
  return opts.sameReg === true ? [freeze(r2), freeze(r2)] : [f1, freeze(r2)];
}

/**
 * The states of both operands on one edge of `if a op b goto`, as the verifier would
 * continue on that edge, or null when the edge is impossible:
 *   - is_scalar_branch_taken decides the jump and this edge is the other one (the kernel
 *     never explores it), or
 *   - refining the ranges makes them contradictory (reg_bounds_sanity_check would fail;
 *     6.18 then logs a "REG INVARIANTS VIOLATION" verifier bug and resets the bounds
 *     instead, see kernelBranchOutcome).
 * When the jump is decided and this is the followed edge, the kernel does not refine,
 * so the inputs are returned unchanged.  With opts.sameReg both results are the one
 * (aliased) register.
 */
export function narrowOnBranch(
  op: JmpOp,
  a: ScalarBounds,
  b: ScalarBounds,
  is32: boolean,
  taken: boolean,
  opts: BranchOpts = {},
): [ScalarBounds, ScalarBounds] | null {
  const pred = isBranchTaken(op, a, b, is32, opts);
  if (pred !== -1) return (pred === 1) === taken ? [a, b] : null;
  if (SAME_REG_SHORTCUT && opts.sameReg === true) return [a, b];
  const [r1, r2] = refineOnBranchRaw(op, a, b, is32, taken, opts);
  if (regBoundsSanityCheck(r1) !== null || regBoundsSanityCheck(r2) !== null) return null;
  return [r1, r2];
}

export interface BranchEdge {
  readonly dst: ScalarBounds;
  readonly src: ScalarBounds;
}

export interface KernelBranchOutcome {
  /** is_branch_taken's verdict. */
  readonly pred: 1 | 0 | -1;
  /** Jump edge state, or null when the kernel does not explore it (pred === 0). */
  readonly taken: BranchEdge | null;
  /** Fall-through edge state, or null when not explored (pred === 1). */
  readonly fallthrough: BranchEdge | null;
  /**
   * Sanity-check failures in the kernel's order (true_reg1, true_reg2, false_reg1,
   * false_reg2), each the text after "verifier bug: ".
   */
  readonly violations: readonly string[];
}

/**
 * What check_cond_jmp_op() does with two scalars, including the 6.18 fallback for
 * contradictory refinements (log a verifier bug, reset that register's bounds to
 * unbounded while keeping its tnum, and keep exploring the edge).
 */
export function kernelBranchOutcome(
  op: JmpOp,
  a: ScalarBounds,
  b: ScalarBounds,
  is32: boolean,
  opts: BranchOpts = {},
): KernelBranchOutcome {
  const pred = isBranchTaken(op, a, b, is32, opts);
  if (pred === 1) return { pred, taken: { dst: a, src: b }, fallthrough: null, violations: [] };
  if (pred === 0) return { pred, taken: null, fallthrough: { dst: a, src: b }, violations: [] };
  if (SAME_REG_SHORTCUT && opts.sameReg === true) {
    return { pred, taken: { dst: a, src: b }, fallthrough: { dst: a, src: b }, violations: [] };
  }
  const [f1, f2] = refineOnBranchRaw(op, a, b, is32, false, opts);
  const [t1, t2] = refineOnBranchRaw(op, a, b, is32, true, opts);
  const violations: string[] = [];
  const check = (s: ScalarBounds, ctx: string): ScalarBounds => {
    const { reg, violation } = applySanityCheck(s, ctx);
    if (violation !== null) violations.push(violation);
    return reg;
  };
  if (opts.sameReg === true) {
    // one register checked twice: the second check sees the first one's fallback
    const t = check(check(t1, 'true_reg1'), 'true_reg2');
    const f = check(check(f1, 'false_reg1'), 'false_reg2');
    return { pred, taken: { dst: t, src: t }, fallthrough: { dst: f, src: f }, violations };
  }
  const td = check(t1, 'true_reg1');
  const ts = check(t2, 'true_reg2');
  const fd = check(f1, 'false_reg1');
  const fs = check(f2, 'false_reg2');
  return { pred, taken: { dst: td, src: ts }, fallthrough: { dst: fd, src: fs }, violations };
}

/** Concrete semantics of the jump condition on u64 operands. */
export function concreteJmp(op: JmpOp, a: bigint, b: bigint, is32: boolean): boolean {
  const w = is32 ? 32 : 64;
  const ua = BigInt.asUintN(w, a);
  const ub = BigInt.asUintN(w, b);
  const sa = BigInt.asIntN(w, a);
  const sb = BigInt.asIntN(w, b);
  switch (op) {
    case 'jeq':
      return ua === ub;
    case 'jne':
      return ua !== ub;
    case 'jset':
      return (ua & ub) !== 0n;
    case 'jgt':
      return ua > ub;
    case 'jge':
      return ua >= ub;
    case 'jlt':
      return ua < ub;
    case 'jle':
      return ua <= ub;
    case 'jsgt':
      return sa > sb;
    case 'jsge':
      return sa >= sb;
    case 'jslt':
      return sa < sb;
    case 'jsle':
      return sa <= sb;
  }
}
