// State equivalence for pruning (states_equal, func_states_equal, regsafe, stacksafe,
// refsafe) and the loop check (states_maybe_looping). The model treats every scalar as
// precise, which is sound but prunes less than the kernel's precision tracking: verdicts
// agree, `processed N insns` can be larger.
import type { Reg } from './state/reg.ts';
import type { Frame, VState } from './state/state.ts';
import type { StackSlot } from './state/stack.ts';
import { rangeWithin, tnumIn } from './scalar/prune.ts';
import { addConstFlag, baseId, isAddConst } from './exec/linked-scalars.ts';

export type Exactness = 'not_exact' | 'exact' | 'range_within';

class IdMap {
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

function regsExact(a: Reg, b: Reg, ids: IdMap): boolean {
  return a.type === b.type && a.flags === b.flags && a.off === b.off && sameScalar(a, b) && a.map === b.map && a.btf === b.btf &&
    a.frameno === b.frameno && a.memSize === b.memSize && a.range === b.range && ids.check(a.id, b.id) && ids.check(a.refObjId, b.refObjId);
}

function regsafe(old: Reg, cur: Reg, ids: IdMap, exact: Exactness): boolean {
  if (old.type === 'not_init') return exact !== 'exact' || cur.type === 'not_init';
  if (exact === 'exact') return regsExact(old, cur, ids);
  if (old.type !== cur.type || old.flags !== cur.flags) return false;
  switch (old.type) {
    case 'scalar':
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

function stacksafe(old: Frame, cur: Frame, ids: IdMap, exact: Exactness): boolean {
  for (let i = 0; i < old.stack.length; i++) {
    const o: StackSlot = old.stack[i];
    const c: StackSlot | undefined = cur.stack[i];
    for (let b = 0; b < 8; b++) {
      const ob = o.bytes[b];
      const cb = c?.bytes[b] ?? 'invalid';
      if (exact !== 'exact' && ob === 'invalid') continue;
      if (exact !== 'exact' && ob === 'misc' && cb !== 'invalid') continue;
      if (exact !== 'exact' && ob === 'misc' && cb === 'invalid') return false;
      if (ob !== cb) {
        if (exact !== 'exact' && ob === 'misc' && cb === 'zero') continue;
        return false;
      }
    }
    if (o.bytes[7] === 'spill' && c && !regsafe(o.spilled, c.spilled, ids, exact)) return false;
    // iterator slots: same iterator type and state, references mapped; the depth is not compared
    if (o.bytes[7] === 'iter' && c) {
      const oi = o.spilled.iter;
      const ci = c.spilled.iter;
      if (oi?.type !== ci?.type || oi?.state !== ci?.state || !ids.check(o.spilled.refObjId, c.spilled.refObjId)) return false;
    }
  }
  if (exact === 'exact') {
    for (let i = old.stack.length; i < cur.stack.length; i++) if (cur.stack[i].bytes.some((b) => b !== 'invalid')) return false;
  }
  return true;
}

/** states_equal(): may the explored state `old` stand for `cur`? */
export function statesEqual(old: VState, cur: VState, exact: Exactness, liveAt: number): boolean {
  if (old.curframe !== cur.curframe) return false;
  if (old.activeLocks !== cur.activeLocks || old.activeRcuLocks !== cur.activeRcuLocks || old.activePreemptLocks !== cur.activePreemptLocks) return false;
  if (old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
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
    if (!stacksafe(old.frames[f], cur.frames[f], ids, exact)) return false;
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
