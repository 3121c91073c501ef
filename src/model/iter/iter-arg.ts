// iter.* — the iterator argument of a kfunc (process_iter_arg and the stack-slot helpers
// iter_get_spi, is_iter_reg_valid_uninit, is_iter_reg_valid_init, mark_stack_slots_iter,
// unmark_stack_slots_iter), Linux 6.18.
//
// An open-coded iterator is a `struct bpf_iter_<type>` on the BPF stack: sizeof / 8 slots whose
// bytes are all STACK_ITER ('i' in the log) while it lives. The first slot's spilled register
// carries the iterator's reference (ref_obj_id) and, for every slot, the iterator's type, state
// (active/drained) and depth.
//
// rule iter.arg.not-on-stack: the iterator argument is a pointer to the stack.
// rule iter.new.already-initialized: bpf_iter_<type>_new() takes stack slots holding no iterator.
// rule iter.arg.uninitialized: _next, _destroy (and __iter arguments) take a live iterator of the
//   kfunc's own type, not one that was destroyed, overwritten, or never created.
// rule iter.rcu.section-ended: an iterator created inside an RCU section (KF_RCU_PROTECTED _new)
//   may not be used after bpf_rcu_read_unlock().
// rule iter.css-task.prog-type: bpf_iter_css_task_new() only in LSM, iter and sleepable programs.
//
// A variable or misaligned stack offset prints its own line ("iter has to be at a constant
// offset", "cannot pass in iter at an offset=%d") before the reason line of the rule above it.
import type { Env } from '../env.ts';
import { scratchSlot } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_RCU, NOT_INIT, PTR_UNTRUSTED, ptrReg } from '../state/reg.ts';
import { BPF_REG_SIZE, type SlotByte } from '../state/stack.ts';
import { checkMemAccess } from '../exec/mem.ts';
import { frameOfPtr, stackSlotObjSpi } from '../exec/stack-access.ts';
import { acquireReference, releaseReference } from '../refs/refs.ts';
import { inRcuCs } from '../rcu/rcu.ts';
import { isSleepableProgram } from '../../ir/sections.ts';
import { iterAcquiredRef } from './forbid-sleep.ts';
import { type IterEvent, type IterSlotState, iterTransition } from './lifecycle.ts';

/** What process_iter_arg() leaves in the call's meta for process_iter_next_call(). */
export interface IterArgMeta {
  frameno: number;
  spi: number;
  /** The iterator's reference id (iter_ref_obj_id). */
  refObjId: number;
}

/** The kind of iterator kfunc: KF_ITER_NEW, KF_ITER_NEXT or KF_ITER_DESTROY. */
export type IterRole = 'new' | 'next' | 'destroy';

/** iter_type_str(): the struct name without `bpf_iter_`, e.g. 'num'. */
export const iterTypeStr = (type: string): string => type.replace(/^bpf_iter_/, '');

const ITER_BYTES: readonly SlotByte[] = Object.freeze(Array<SlotByte>(BPF_REG_SIZE).fill('iter'));
const INVALID_BYTES: readonly SlotByte[] = Object.freeze(Array<SlotByte>(BPF_REG_SIZE).fill('invalid'));

/** iter_get_spi(). */
const iterGetSpi = (env: Env, reg: Reg, nrSlots: number): number | 'range' | 'bad' => stackSlotObjSpi(env, reg, 'iter', nrSlots);
const frameOf = frameOfPtr;

/** is_iter_reg_valid_uninit(): none of the slots holds an iterator byte (unallocated slots are fine). */
function validUninit(env: Env, reg: Reg, nrSlots: number): boolean {
  const spi = iterGetSpi(env, reg, nrSlots);
  if (spi === 'range') return true;
  if (spi === 'bad') return false;
  const stack = frameOf(env, reg).stack;
  for (let i = 0; i < nrSlots; i++) if (stack[spi - i].bytes.includes('iter')) return false;
  return true;
}

/**
 * is_iter_reg_valid_init(): 'ok', 'invalid' (no live iterator of this type there), or
 * 'untrusted' (an RCU-protected iterator whose section has ended).
 */
function validInit(env: Env, reg: Reg, type: string, nrSlots: number): 'ok' | 'invalid' | 'untrusted' {
  const spi = iterGetSpi(env, reg, nrSlots);
  if (typeof spi !== 'number') return 'invalid';
  const stack = frameOf(env, reg).stack;
  for (let i = 0; i < nrSlots; i++) {
    const slot = stack[spi - i];
    const st = slot.spilled;
    if (st.flags & PTR_UNTRUSTED) return 'untrusted';
    // only the first slot carries the reference
    if (i === 0 && !st.refObjId) return 'invalid';
    if (i !== 0 && st.refObjId) return 'invalid';
    if (st.iter?.type !== type) return 'invalid';
    if (slot.bytes.some((b) => b !== 'iter')) return 'invalid';
  }
  return 'ok';
}

/** mark_stack_slots_iter(): take a reference and turn the slots into a fresh, active iterator. */
function markSlotsIter(env: Env, reg: Reg, type: string, nrSlots: number, insnIdx: number, rcuProtected: boolean): void {
  const spi = iterGetSpi(env, reg, nrSlots);
  if (typeof spi !== 'number') throw new Error('iterator slots vanished after the stack writes');
  const id = acquireReference(env, insnIdx);
  const frame = frameOf(env, reg);
  const flags = rcuProtected ? (inRcuCs(env) ? MEM_RCU : PTR_UNTRUSTED) : 0;
  for (let i = 0; i < nrSlots; i++) {
    const spilled = ptrReg('stack', { flags, refObjId: i === 0 ? id : 0, iter: { type, state: 'active', depth: 0 } });
    frame.stack[spi - i] = { bytes: ITER_BYTES, spilled };
    scratchSlot(env, spi - i);
  }
}

/** unmark_stack_slots_iter(): release the reference and make the slots invalid stack again. */
function unmarkSlotsIter(env: Env, reg: Reg, nrSlots: number): void {
  const spi = iterGetSpi(env, reg, nrSlots);
  if (typeof spi !== 'number') return;
  const frame = frameOf(env, reg);
  for (let i = 0; i < nrSlots; i++) {
    if (i === 0) {
      // the KF_FORBID_SLEEP series: the element reference first, then the iterator's own
      const elem = iterAcquiredRef(env.cur, { frameno: reg.frameno ?? env.cur.curframe, spi, refObjId: 0 });
      if (elem) releaseReference(env, elem);
      releaseReference(env, frame.stack[spi].spilled.refObjId);
    }
    frame.stack[spi - i] = { bytes: INVALID_BYTES, spilled: NOT_INIT };
    scratchSlot(env, spi - i);
  }
}

/** check_css_task_iter_allowlist(): LSM programs, iter tracing programs, or sleepable ones. */
function cssTaskIterAllowed(env: Env): boolean {
  const { progType, expectedAttachTypeName } = env.section;
  if (progType === 'lsm') return true;
  if (progType === 'tracing' && expectedAttachTypeName === 'BPF_TRACE_ITER') return true;
  return isSleepableProgram(env.prog);
}

export interface IterKfunc {
  name: string;
  /** _new, _next, _destroy, or another kfunc taking the iterator as an `__iter` argument. */
  role: IterRole | 'arg';
  /** Which parameter is the iterator (0 for _new/_next/_destroy). */
  argno: number;
  /** The iterator struct the parameter points to, e.g. 'bpf_iter_num'. */
  type: string;
  /** sizeof(struct bpf_iter_<type>). */
  size: number;
  rcuProtected: boolean;
}

/** Refuse the call with the lifecycle table's rule for `event` in slot state `from`, if it has one. */
function applyLifecycle(from: IterSlotState, event: IterEvent, k: IterKfunc, argno: number): void {
  const t = iterTransition(from, event);
  if (t.to !== undefined) return;
  switch (t.rule) {
    case RULES.iterNewInitialized.id:
      return reject(RULES.iterNewInitialized, iterTypeStr(k.type), argno);
    case RULES.iterArgUninit.id:
      return reject(RULES.iterArgUninit, iterTypeStr(k.type), argno);
    case RULES.iterRcuSectionEnded.id:
      return reject(RULES.iterRcuSectionEnded, k.name);
    default:
      throw new Error(`iterator lifecycle: no refusal for rule ${String(t.rule)}`);
  }
}

/** process_iter_arg() for argument `argno` (register argno + 1). */
export function processIterArg(env: Env, argno: number, k: IterKfunc, insnIdx: number): IterArgMeta | null {
  const regno = argno + 1;
  if (k.name === 'bpf_iter_css_task_new' && !cssTaskIterAllowed(env)) reject(RULES.iterCssTaskProgType);
  const reg = env.cur.frames[env.cur.curframe].regs[regno];
  if (reg.type !== 'stack' || reg.flags !== 0) reject(RULES.iterArgNotStack, argno);
  const nrSlots = k.size / BPF_REG_SIZE;
  if (k.role === 'new') {
    // a bad offset is refused like a live iterator (after its own log line)
    applyLifecycle(validUninit(env, reg, nrSlots) ? 'empty' : 'active', 'new', k, argno);
    for (let i = 0; i < nrSlots * BPF_REG_SIZE; i += BPF_REG_SIZE) checkMemAccess(env, regno, i, BPF_REG_SIZE, 'write', null, null, false);
    markSlotsIter(env, reg, k.type, nrSlots, insnIdx, k.rcuProtected);
    return null;
  }
  const valid = validInit(env, reg, k.type, nrSlots);
  const event: IterEvent = k.role === 'next' ? 'next' : k.role === 'destroy' ? 'destroy' : 'arg';
  if (valid !== 'ok') applyLifecycle(valid === 'untrusted' ? 'untrusted' : 'empty', event, k, argno);
  const spi = iterGetSpi(env, reg, nrSlots) as number;
  const frameno = reg.frameno ?? env.cur.curframe;
  const meta: IterArgMeta = { frameno, spi, refObjId: env.cur.frames[frameno].stack[spi].spilled.refObjId };
  if (k.role === 'next') scratchSlot(env, spi); // the log shows the iterator's new state after the call
  if (k.role === 'destroy') unmarkSlotsIter(env, reg, nrSlots);
  return meta;
}

/** get_iter_from_state(): the first slot's register of the iterator a call used. */
export function iterSlotReg(env: Env, meta: IterArgMeta): Reg {
  return env.cur.frames[meta.frameno].stack[meta.spi].spilled;
}
