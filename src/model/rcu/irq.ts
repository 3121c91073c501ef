// kfunc.irq.* — IRQ-disabled regions: bpf_local_irq_save(&flags) / bpf_local_irq_restore(&flags)
// (process_irq_flag, mark_stack_slot_irq_flag, unmark_stack_slot_irq_flag, acquire_irq_state,
// release_irq_state), Linux 6.18.
//
// The flags live in one 8-byte stack slot (bytes typed 'f'); saving takes an IRQ reference and
// makes it the active one, restoring releases it — innermost first. While a region is open the
// program may not sleep, and the main program may not exit.
//
// rule kfunc.irq.not-on-stack: the flags argument is a pointer to the stack.
// rule kfunc.irq.save-initialized: bpf_local_irq_save() needs a slot holding no saved flags (an
//   unaligned or variable offset prints its own line first and ends the same way).
// rule kfunc.irq.restore-uninitialized: bpf_local_irq_restore() needs flags a save wrote there,
//   not overwritten since.
// rule kfunc.irq.restore-order: regions close in the reverse order they opened.
// rule kfunc.irq.sleepable-kfunc / kfunc.irq.sleepable-helper: nothing that may sleep inside.
// rule kfunc.irq.exit-disabled: see ../refs/refs.ts (check_resource_leak).
import type { Env } from '../env.ts';
import { newId, scratchSlot } from '../env.ts';
import { reject, VerifierReject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { NOT_INIT, ptrReg } from '../state/reg.ts';
import { BPF_REG_SIZE, type SlotByte } from '../state/stack.ts';
import { checkMemAccess } from '../exec/mem.ts';
import { frameOfPtr, stackSlotObjSpi } from '../exec/stack-access.ts';

export const isIrqSaveKfunc = (name: string): boolean => name === 'bpf_local_irq_save';
export const isIrqRestoreKfunc = (name: string): boolean => name === 'bpf_local_irq_restore';

const FLAG_BYTES: readonly SlotByte[] = Object.freeze(Array<SlotByte>(BPF_REG_SIZE).fill('irq_flag'));
const INVALID_BYTES: readonly SlotByte[] = Object.freeze(Array<SlotByte>(BPF_REG_SIZE).fill('invalid'));

/** irq_flag_get_spi(). */
const flagSpi = (env: Env, reg: Reg): number | 'range' | 'bad' => stackSlotObjSpi(env, reg, 'irq_flag', 1);

/** process_irq_flag() for the flags argument (register `regno`) of bpf_local_irq_save/restore. */
export function processIrqFlag(env: Env, argno: number, save: boolean, insnIdx: number): void {
  const regno = argno + 1;
  const reg = env.cur.frames[env.cur.curframe].regs[regno];
  if (reg.type !== 'stack' || reg.flags !== 0) reject(RULES.irqNotOnStack, argno);
  const frame = frameOfPtr(env, reg);
  if (save) {
    const spi = flagSpi(env, reg);
    if (spi === 'bad' || (spi !== 'range' && frame.stack[spi].bytes.includes('irq_flag'))) reject(RULES.irqSaveInitialized, argno);
    checkMemAccess(env, regno, 0, BPF_REG_SIZE, 'write', null, null, false);
    const at = flagSpi(env, reg) as number;
    // acquire_irq_state(): a REF_TYPE_IRQ reference, now the active one
    const id = newId(env);
    env.cur.refs.push({ id, insnIdx, kind: 'irq' });
    env.cur.activeIrqId = id;
    frame.stack[at] = { bytes: FLAG_BYTES, spilled: ptrReg('stack', { refObjId: id }) };
    scratchSlot(env, at);
    return;
  }
  const spi = flagSpi(env, reg);
  if (typeof spi !== 'number' || !frame.stack[spi].spilled.refObjId || frame.stack[spi].bytes.some((b) => b !== 'irq_flag')) {
    reject(RULES.irqRestoreUninit, argno);
  }
  const id = frame.stack[spi].spilled.refObjId;
  // release_irq_state(): only the innermost region may close
  if (id !== env.cur.activeIrqId) {
    const active = env.cur.refs.find((r) => r.id === env.cur.activeIrqId);
    throw new VerifierReject(RULES.irqRestoreOrder.id, RULES.irqRestoreOrder.msg(env.cur.activeIrqId, active?.insnIdx ?? 0));
  }
  let prev = 0;
  for (let i = 0; i < env.cur.refs.length; i++) {
    const r = env.cur.refs[i];
    if (r.kind !== 'irq') continue;
    if (r.id === id) {
      env.cur.refs.splice(i, 1);
      env.cur.activeIrqId = prev;
      break;
    }
    prev = r.id;
  }
  frame.stack[spi] = { bytes: INVALID_BYTES, spilled: NOT_INIT };
  scratchSlot(env, spi);
}

/** The IRQ part of check_kfunc_call(): no sleepable kfunc while interrupts are off. */
export function irqKfuncCall(env: Env, name: string, sleepable: boolean): void {
  if (env.cur.activeIrqId && sleepable) reject(RULES.irqSleepableKfunc, name);
}
