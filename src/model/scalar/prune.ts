// State-pruning comparisons for scalars: range_within(), the tnum_in() use and the
// SCALAR_VALUE case of regsafe() in kernel/bpf/verifier.c (Linux 6.18.y).
//
// regsafe(old, cur) asks whether everything proven safe for the explored (old) state
// also holds for the current one, i.e. whether `old` covers `cur`.

import type { ScalarBounds } from './scalar.ts';
import { type Tnum, tnumIn as tnumInRaw } from './tnum.ts';

/** range_within(old, cur): every one of cur's eight bounds lies inside old's. */
export function rangeWithin(old: ScalarBounds, cur: ScalarBounds): boolean {
  return (
    old.umin <= cur.umin &&
    old.umax >= cur.umax &&
    old.smin <= cur.smin &&
    old.smax >= cur.smax &&
    old.u32min <= cur.u32min &&
    old.u32max >= cur.u32max &&
    old.s32min <= cur.s32min &&
    old.s32max >= cur.s32max
  );
}

/** tnum_in(old, cur): every value of cur's tnum is a value of old's tnum. */
export function tnumIn(old: Tnum, cur: Tnum): boolean {
  return tnumInRaw(old, cur);
}

/**
 * Exact equality of the scalar value (the bounds part of regs_exact()'s memcmp; ids,
 * precision and liveness are the caller's business).
 */
export function scalarsEqual(a: ScalarBounds, b: ScalarBounds): boolean {
  return (
    a.varOff.value === b.varOff.value &&
    a.varOff.mask === b.varOff.mask &&
    a.smin === b.smin &&
    a.smax === b.smax &&
    a.umin === b.umin &&
    a.umax === b.umax &&
    a.s32min === b.s32min &&
    a.s32max === b.s32max &&
    a.u32min === b.u32min &&
    a.u32max === b.u32max
  );
}

/** old covers cur as a value: range_within && tnum_in. */
export function scalarCovers(old: ScalarBounds, cur: ScalarBounds): boolean {
  return rangeWithin(old, cur) && tnumIn(old.varOff, cur.varOff);
}

export interface ScalarSafeOpts {
  /** rold->precise. Imprecise old scalars match anything unless `exact`. */
  readonly oldPrecise: boolean;
  /**
   * The comparison level: 'not_exact' (normal pruning), 'range_within' (loop
   * convergence checks: imprecise scalars are still compared by range) or 'exact'.
   */
  readonly exact?: 'not_exact' | 'range_within' | 'exact';
  /** env->explore_alu_limits: every scalar must match exactly. */
  readonly exploreAluLimits?: boolean;
  /**
   * Linked-register constant deltas (id & BPF_ADD_CONST with the off/delta field):
   * undefined when the register has no BPF_ADD_CONST link.
   */
  readonly oldAddConstDelta?: number;
  readonly curAddConstDelta?: number;
}

/**
 * The value part of regsafe() for two SCALAR_VALUE registers (id mapping via
 * check_scalar_ids() is left to the caller, who owns the id map).
 */
export function scalarRegSafe(old: ScalarBounds, cur: ScalarBounds, opts: ScalarSafeOpts): boolean {
  const exact = opts.exact ?? 'not_exact';
  if (exact === 'exact') return scalarsEqual(old, cur);
  if (opts.exploreAluLimits === true) return scalarsEqual(old, cur);
  if (!opts.oldPrecise && exact === 'not_exact') return true;
  if ((opts.oldAddConstDelta === undefined) !== (opts.curAddConstDelta === undefined)) {
    return false;
  }
  if (opts.oldAddConstDelta !== undefined && opts.oldAddConstDelta !== opts.curAddConstDelta) {
    return false;
  }
  return scalarCovers(old, cur);
}
