// Stack memory (check_stack_access_within_bounds, check_stack_write_fixed_off,
// check_stack_read_fixed_off and their variable-offset variants): bounds, spills and fills
// of registers, and the typed bytes of each 8-byte slot.
import type { Env } from '../env.ts';
import { scratchSlot } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { NOT_INIT, isConstScalar, regIsNull, scalarReg, unknownScalar } from '../state/reg.ts';
import type { Frame } from '../state/state.ts';
import type { SlotByte, StackSlot } from '../state/stack.ts';
import { BPF_REG_SIZE, EMPTY_SLOT, MAX_BPF_STACK, isSpilled, slotIsSpecial } from '../state/stack.ts';
import { scalarKnown } from '../scalar/scalar.ts';
import { tnumIsConst } from '../scalar/tnum.ts';
import { linkSpillSource } from './linked-scalars.ts';
import type { Insn } from '../../isa/insn.ts';
import { BPF_STX, insnClass } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import { pushJmpHistory } from '../precision/history.ts';
import { markChainPrecision } from '../precision/mark.ts';

const tnumText = (r: Reg): string => `(0x${r.s.varOff.value.toString(16)}; 0x${r.s.varOff.mask.toString(16)})`;

export type StackAccess = 'read' | 'write' | 'helper';

/** The frame a stack pointer points into. */
export const frameOfPtr = (env: Env, reg: Reg): Frame => env.cur.frames[reg.frameno ?? env.cur.curframe];

/**
 * stack_slot_obj_get_spi(): the first slot of an `nrSlots`-slot object (an iterator, IRQ flags)
 * that `reg` points to; 'range' when the slots lie beyond the allocated stack (the caller's write
 * grows it), 'bad' after printing why for a variable, misaligned or too-high offset.
 */
export function stackSlotObjSpi(env: Env, reg: Reg, kind: string, nrSlots: number): number | 'range' | 'bad' {
  if (!tnumIsConst(reg.s.varOff)) {
    env.log.write(`${kind} has to be at a constant offset\n`);
    return 'bad';
  }
  const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
  // __get_spi() divides like C: an offset of 0 gives slot 0, which then lies outside the stack
  const spi = Math.trunc((-off - 1) / BPF_REG_SIZE);
  if (off % BPF_REG_SIZE !== 0 || spi + 1 < nrSlots) {
    env.log.write(`cannot pass in ${kind} at an offset=${off}\n`);
    return 'bad';
  }
  return spi - nrSlots + 1 >= 0 && spi < frameOfPtr(env, reg).stack.length ? spi : 'range';
}

/** check_stack_access_within_bounds(). `off` already includes reg->off. */
export function checkStackBounds(env: Env, regno: number, reg: Reg, off: number, size: number, kind: StackAccess, frame: Frame): void {
  // 6.18 words helper (indirect) reads like direct ones
  const extra = kind === 'write' ? 'write to' : 'read from';
  let minOff: number;
  let maxOff: number;
  if (tnumIsConst(reg.s.varOff)) {
    minOff = Number(BigInt.asIntN(64, reg.s.varOff.value)) + off;
    maxOff = minOff + size;
  } else {
    const M = 1n << 29n;
    if (reg.s.smax >= M || reg.s.smin <= -M) {
      reject(RULES.stackVarUnbounded, extra, regno);
    }
    minOff = Number(reg.s.smin) + off;
    maxOff = Number(reg.s.smax) + off + size;
  }
  const minValid = kind === 'write' || env.profile.privileged ? -MAX_BPF_STACK : -frame.stack.length * BPF_REG_SIZE;
  const bad = minOff < minValid || minOff > -1 || maxOff > 0 || size < 0;
  if (bad) {
    if (tnumIsConst(reg.s.varOff)) reject(RULES.stackOutOfBounds, extra, regno, off, size);
    reject(RULES.stackVarOutOfBounds, extra, regno, tnumText(reg), off, size);
  }
}

/** grow_stack_state(): allocated_stack covers the deepest byte touched. */
export function growStack(frame: Frame, off: number): void {
  const need = Math.ceil(-off / BPF_REG_SIZE);
  while (frame.stack.length < need) frame.stack.push(EMPTY_SLOT);
}

const byteIndex = (off: number): { spi: number; idx: number } => ({ spi: Math.floor((-off - 1) / BPF_REG_SIZE), idx: (-off - 1) % BPF_REG_SIZE });

function setBytes(slot: StackSlot, f: (bytes: SlotByte[]) => void, spilled?: Reg): StackSlot {
  const bytes = slot.bytes.slice();
  f(bytes);
  return { bytes, spilled: spilled ?? slot.spilled };
}

/** Width in bits a scalar's value needs (get_reg_width). */
function regWidth(r: Reg): number {
  const u = r.s.umax;
  return u === 0n ? 0 : u.toString(2).length;
}

/** The instruction being checked is a plain load or store (not an atomic one): spills and fills enter the history. */
function plainMemInsn(env: Env): Insn | null {
  const insn = env.prog.insns[env.insnIdx];
  return insn !== undefined && op.bpfMode(insn.code) === op.BPF_MEM ? insn : null;
}

/** Record the spill or fill of slot `spi` of `frame` for the precision backtracker. */
function pushStackAccess(env: Env, frame: Frame, spi: number): void {
  if (plainMemInsn(env)) pushJmpHistory(env, env.cur, { stack: { frameno: frame.frameno, spi } });
}

/** check_stack_write_fixed_off(). */
export function stackWriteFixed(env: Env, frame: Frame, off: number, size: number, value: Reg | null, imm: number | null, isCurFrame: boolean): void {
  growStack(frame, off);
  const { spi, idx } = byteIndex(off);
  scratchSlot(env, spi);
  const slot = frame.stack[spi];
  const aligned = off % BPF_REG_SIZE === 0;
  if (value && aligned && value.type === 'scalar' && env.profile.privileged) {
    const fits = regWidth(value) <= 8 * size;
    frame.stack[spi] = saveRegisterState(slot, fits ? linkSpillSource(env, value) : { ...value, id: 0 }, size, env.profile.privileged);
    pushStackAccess(env, frame, spi);
    return;
  }
  if (!value && aligned && imm !== null && env.profile.privileged) {
    frame.stack[spi] = saveRegisterState(slot, scalarReg(scalarKnown(BigInt.asUintN(64, BigInt(imm)))), size, env.profile.privileged);
    pushStackAccess(env, frame, spi);
    return;
  }
  if (value && value.type !== 'scalar' && value.type !== 'not_init') {
    if (size !== BPF_REG_SIZE) reject(RULES.spillSize);
    if (!isCurFrame && value.type === 'stack') reject(RULES.spillFpToCaller);
    frame.stack[spi] = saveRegisterState(slot, value, size, env.profile.privileged);
    pushStackAccess(env, frame, spi);
    return;
  }
  // a plain data write destroys any spilled register
  const zero = (value !== null && regIsNull(value)) || (value === null && imm === 0);
  // writing a register's zero keeps the slot STACK_ZERO: the zero must be exact
  const store = plainMemInsn(env);
  if (zero && value !== null && store && insnClass(store.code) === BPF_STX) markChainPrecision(env, store.src);
  const type: SlotByte = zero ? 'zero' : 'misc';
  frame.stack[spi] = {
    bytes: slot.bytes.map((b, i) => {
      const special = slotIsSpecial(slot);
      const base: SlotByte = special && b !== 'invalid' ? 'misc' : b;
      return i <= idx && i > idx - size ? type : base;
    }),
    spilled: NOT_INIT,
  };
}

/** save_register_state(): the low `size` bytes become the spill; mark_stack_slot_misc() the rest. */
function saveRegisterState(slot: StackSlot, reg: Reg, size: number, privileged: boolean): StackSlot {
  return setBytes(
    slot,
    (bytes) => {
      for (let i = BPF_REG_SIZE; i > BPF_REG_SIZE - size; i--) bytes[i - 1] = 'spill';
      for (let i = BPF_REG_SIZE - size; i > 0; i--) {
        const b = bytes[i - 1];
        if (b === 'zero' || (b === 'invalid' && privileged)) continue;
        bytes[i - 1] = 'misc';
      }
    },
    reg,
  );
}

/** check_stack_read_fixed_off(): returns the register loaded (or null for checks only). */
export function stackReadFixed(env: Env, frame: Frame, off: number, size: number): Reg {
  const { spi, idx } = byteIndex(off);
  if (spi >= frame.stack.length) {
    if (env.profile.privileged) return unknownScalar();
    reject(RULES.stackReadUninit, off, 0, size);
  }
  scratchSlot(env, spi);
  const slot = frame.stack[spi];
  const bytes = slot.bytes;
  if (isSpilled(slot)) {
    let spillSize = 1;
    for (let i = BPF_REG_SIZE - 1; i > 0 && bytes[i - 1] === 'spill'; i--) spillSize++;
    const reg = slot.spilled;
    if (size !== BPF_REG_SIZE || spillSize !== BPF_REG_SIZE) {
      if (reg.type !== 'scalar') reject(RULES.fillSize);
      // bpf_stack_narrow_access_ok(): on little-endian a narrow fill must start at the slot base
      if (size <= spillSize && off % BPF_REG_SIZE === 0) {
        pushStackAccess(env, frame, spi);
        return regWidth(reg) > size * 8 ? { ...reg, id: 0 } : reg;
      }
      let spillCnt = 0;
      let zeroCnt = 0;
      for (let i = 0; i < size; i++) {
        const t = bytes[(idx - i + BPF_REG_SIZE) % BPF_REG_SIZE];
        if (t === 'spill') spillCnt++;
        else if (t === 'zero') zeroCnt++;
        else if (t === 'misc') continue;
        else if (t === 'invalid' && env.profile.privileged) continue;
        else reject(RULES.stackReadUninit, off, i, size);
      }
      if (spillCnt === size && isConstScalar(reg) && reg.s.varOff.value === 0n) {
        pushStackAccess(env, frame, spi);
        return scalarReg(scalarKnown(0n));
      }
      if (zeroCnt === size) return scalarReg(scalarKnown(0n));
      return unknownScalar();
    }
    pushStackAccess(env, frame, spi);
    return reg;
  }
  let zeros = 0;
  for (let i = 0; i < size; i++) {
    const t = bytes[(idx - i + BPF_REG_SIZE) % BPF_REG_SIZE];
    if (t === 'zero') zeros++;
    else if (t === 'misc') continue;
    else if (t === 'invalid' && env.profile.privileged) continue;
    else reject(RULES.stackReadUninit, off, i, size);
  }
  return zeros === size ? scalarReg(scalarKnown(0n)) : unknownScalar();
}

/** check_stack_range_initialized() for memory handed to helpers (read access). */
export function stackRangeInitialized(env: Env, regno: number, frame: Frame, off: number, size: number): void {
  for (let i = 0; i < size; i++) {
    const o = off + i;
    const { spi, idx } = byteIndex(o);
    const slot = spi < frame.stack.length ? frame.stack[spi] : EMPTY_SLOT;
    const t = slot.bytes[idx];
    if (t === 'misc' || t === 'zero' || t === 'spill') continue;
    if (t === 'invalid' && env.profile.privileged) continue;
    reject(RULES.stackRangeUninit, regno, off, i, size);
  }
}
