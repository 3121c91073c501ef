// State equivalence for pruning (states_equal, func_states_equal, regsafe, stacksafe,
// refsafe) and the loop check (states_maybe_looping). An imprecise scalar of the explored
// state matches any scalar unless ranges are compared for a loop (RANGE_WITHIN); precise ones
// must cover the current range (precision/mark.ts sets `precise`).
import type { Reg } from './state/reg.ts';
import { unknownScalar } from './state/reg.ts';
import type { Frame, VState } from './state/state.ts';
import type { StackSlot } from './state/stack.ts';
import { rangeWithin, tnumIn } from './scalar/prune.ts';
import { addConstFlag, baseId, isAddConst } from './exec/linked-scalars.ts';

export type Exactness = 'not_exact' | 'exact' | 'range_within';

/** The old → current id mapping of one state comparison (struct bpf_idmap, check_ids). */
export class IdMap {
  private m = new Map<number, number>();
  private used = new Set<number>();
  check(oldId: number, curId: number): boolean {
    if (!oldId) return !curId;
    const seen = this.m.get(oldId);
    if (seen !== undefined) return seen === curId;
    if (!curId || this.used.has(curId)) return false;
    this.m.set(oldId, curId);
    this.used.add(curId);
    return true;
  }

  /** Temporary ids stand in for a current scalar id of 0 (idmap->tmp_id_gen); they are
   * above every real id and below the BPF_ADD_CONST flag bits. */
  private tmpId = 2 ** 29;

  /**
   * check_scalar_ids(): an old scalar without an id is independent, anything matches it.
   * Otherwise a current id of 0 gets a fresh temporary id (two independent current
   * registers cannot satisfy one old link), the full ids (flag included) must map, and
   * for BPF_ADD_CONST ids so must the base ids, so that `r3 = r2 + 10` in the old state
   * is not matched by `r3 = r4 + 10` in the current one.
   */
  checkScalar(oldId: number, curId: number): boolean {
    if (!oldId) return true;
    const cur = curId || ++this.tmpId;
    if (!this.check(oldId, cur)) return false;
    if (isAddConst(oldId) && !this.check(baseId(oldId), baseId(cur))) return false;
    return true;
  }
}

const sameScalar = (a: Reg, b: Reg): boolean =>
  a.s.smin === b.s.smin && a.s.smax === b.s.smax && a.s.umin === b.s.umin && a.s.umax === b.s.umax &&
  a.s.s32min === b.s.s32min && a.s.s32max === b.s.s32max && a.s.u32min === b.s.u32min && a.s.u32max === b.s.u32max &&
  a.s.varOff.value === b.s.varOff.value && a.s.varOff.mask === b.s.varOff.mask;

/** regs_exact(): the same register, ids mapped through `ids`. */
export function regsExact(a: Reg, b: Reg, ids: IdMap): boolean {
  return a.type === b.type && a.flags === b.flags && a.off === b.off && sameScalar(a, b) && a.map === b.map && a.btf === b.btf &&
    a.frameno === b.frameno && a.memSize === b.memSize && a.range === b.range && ids.check(a.id, b.id) && ids.check(a.refObjId, b.refObjId);
}

function regsafe(old: Reg, cur: Reg, ids: IdMap, exact: Exactness): boolean {
  if (old.type === 'not_init') return exact !== 'exact' || cur.type === 'not_init';
  if (exact === 'exact') return regsExact(old, cur, ids);
  if (old.type !== cur.type || old.flags !== cur.flags) return false;
  switch (old.type) {
    case 'scalar':
      // nothing depended on the exact value of an imprecise scalar
      if (!old.precise && exact === 'not_exact') return true;
      // BPF_ADD_CONST links: the flag (32 or 64-bit add) must match when the old register is
      // linked at all, and so must the delta when it carries one.
      if (old.id && addConstFlag(old.id) !== addConstFlag(cur.id)) return false;
      if (isAddConst(old.id) && old.off !== cur.off) return false;
      if (!ids.checkScalar(old.id, cur.id)) return false;
      return rangeWithin(old.s, cur.s) && tnumIn(old.s.varOff, cur.s.varOff);
    case 'map_key':
    case 'map_value':
    case 'mem':
    case 'buf':
    case 'tp_buffer':
      return old.off === cur.off && old.map === cur.map && old.memSize === cur.memSize && rangeWithin(old.s, cur.s) &&
        tnumIn(old.s.varOff, cur.s.varOff) && ids.check(old.id, cur.id) && ids.check(old.refObjId, cur.refObjId);
    case 'stack':
      return regsExact(old, cur, ids) && old.frameno === cur.frameno;
    default:
      return regsExact(old, cur, ids);
  }
}

/** An unknown, imprecise scalar: what an all-MISC (or, for root, uninitialised) slot holds. */
const UNBOUND_SCALAR: Reg = unknownScalar();

/**
 * scalar_reg_for_stack(): the scalar a slot holds for comparison — a 64-bit spilled scalar, or
 * an unknown one when every byte is MISC (or uninitialised, which root may read).
 */
function scalarRegForStack(slot: StackSlot | undefined, privileged: boolean): Reg | null {
  if (!slot) return null;
  if (slot.bytes[0] === 'spill' && slot.spilled.type === 'scalar') return slot.spilled;
  if (slot.bytes.every((b) => b === 'misc' || (b === 'invalid' && privileged))) return UNBOUND_SCALAR;
  return null;
}

/** stacksafe(): byte by byte over the explored state's stack (Linux 6.18). */
function stacksafe(old: Frame, cur: Frame, ids: IdMap, exact: Exactness, privileged: boolean): boolean {
  const curBytes = cur.stack.length * 8;
  for (let i = 0; i < old.stack.length * 8; i++) {
    const spi = Math.floor(i / 8);
    const b = i % 8;
    const o: StackSlot = old.stack[spi];
    const c: StackSlot | undefined = cur.stack[spi];
    const ob = o.bytes[b];
    if (exact !== 'not_exact' && (i >= curBytes || ob !== c?.bytes[b])) return false;
    if (ob === 'invalid') continue;
    if (privileged && ob === 'misc') continue;
    if (i >= curBytes || !c) return false;
    const oldR = scalarRegForStack(o, privileged);
    const curR = scalarRegForStack(c, privileged);
    if (oldR && curR) {
      if (!regsafe(oldR, curR, ids, exact)) return false;
      i += 7;
      continue;
    }
    const cb = c.bytes[b];
    if (ob === 'misc' && cb === 'zero') continue;
    if (ob !== cb) return false;
    if (b !== 7) continue;
    switch (ob) {
      case 'spill':
        if (!regsafe(o.spilled, c.spilled, ids, exact)) return false;
        break;
      case 'iter': {
        // same iterator type and state, references mapped; the depth is not compared
        const oi = o.spilled.iter;
        const ci = c.spilled.iter;
        if (oi?.type !== ci?.type || oi?.state !== ci?.state || !ids.check(o.spilled.refObjId, c.spilled.refObjId)) return false;
        break;
      }
      case 'irq_flag':
        if (!ids.check(o.spilled.refObjId, c.spilled.refObjId)) return false;
        break;
      case 'misc':
      case 'zero':
        break;
      default:
        return false;
    }
  }
  return true;
}

/** states_equal(): may the explored state `old` stand for `cur`? */
export function statesEqual(old: VState, cur: VState, exact: Exactness, liveAt: number, privileged = true): boolean {
  if (old.curframe !== cur.curframe) return false;
  if (old.activeLocks !== cur.activeLocks || old.activeRcuLocks !== cur.activeRcuLocks || old.activePreemptLocks !== cur.activePreemptLocks) return false;
  if (old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  if (!ids.check(old.activeIrqId, cur.activeIrqId)) return false;
  // refsafe(): reference ids map old -> cur, kinds match, lock references name the same lock
  for (let i = 0; i < old.refs.length; i++) {
    const o = old.refs[i];
    const c = cur.refs[i];
    if (!ids.check(o.id, c.id) || o.kind !== c.kind) return false;
    if (o.kind !== 'ptr' && o.kind !== 'irq' && o.lockPtr !== c.lockPtr) return false;
  }
  for (let f = 0; f <= old.curframe; f++) {
    if (old.frames[f].callsite !== cur.frames[f].callsite) return false;
    const live = f === old.curframe && exact !== 'exact' ? liveAt : 0x7ff;
    for (let r = 0; r < 11; r++) {
      if (!(live & (1 << r)) && r !== 10) continue;
      if (!regsafe(old.frames[f].regs[r], cur.frames[f].regs[r], ids, exact)) return false;
    }
    if (!stacksafe(old.frames[f], cur.frames[f], ids, exact, privileged)) return false;
  }
  return true;
}

/** states_maybe_looping(): a cheap pre-check that the current frame's registers are identical. */
export function statesMaybeLooping(old: VState, cur: VState): boolean {
  if (old.curframe !== cur.curframe) return false;
  const a = old.frames[old.curframe].regs;
  const b = cur.frames[cur.curframe].regs;
  for (let i = 0; i < 11; i++) {
    const x = a[i];
    const y = b[i];
    if (x.type !== y.type || x.flags !== y.flags || x.off !== y.off || x.id !== y.id || x.refObjId !== y.refObjId || !sameScalar(x, y)) return false;
  }
  return true;
}
