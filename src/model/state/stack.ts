// Stack slots of one frame (struct bpf_stack_state): 8 bytes each, every byte typed
// (invalid, spill, misc, zero, dynptr, iter, irq_flag), plus the spilled register.
import type { Reg } from './reg.ts';
import { NOT_INIT } from './reg.ts';

export type SlotByte = 'invalid' | 'spill' | 'misc' | 'zero' | 'dynptr' | 'iter' | 'irq_flag';

export const BPF_REG_SIZE = 8;
export const MAX_BPF_STACK = 512;

export interface StackSlot {
  /** slot_type[0..7]: index j is the byte at fp - 8*spi - 1 - j, so index 7 (BPF_REG_SIZE - 1) is the lowest address. */
  readonly bytes: readonly SlotByte[];
  readonly spilled: Reg;
}

export const EMPTY_SLOT: StackSlot = Object.freeze({ bytes: Object.freeze(Array<SlotByte>(8).fill('invalid')), spilled: NOT_INIT });

export const SLOT_CHAR: Record<SlotByte, string> = { invalid: '?', spill: 'r', misc: 'm', zero: '0', dynptr: 'd', iter: 'i', irq_flag: 'f' };

export const isSpilled = (s: StackSlot): boolean => s.bytes[BPF_REG_SIZE - 1] === 'spill';
export const isSpilledScalar = (s: StackSlot): boolean => isSpilled(s) && s.spilled.type === 'scalar';
export const slotIsSpecial = (s: StackSlot): boolean => {
  const t = s.bytes[BPF_REG_SIZE - 1];
  return t === 'spill' || t === 'dynptr' || t === 'iter' || t === 'irq_flag';
};
/** Stack slot index (spi) of a byte offset relative to the frame pointer (negative). */
export const spiOf = (off: number): number => Math.floor((-off - 1) / BPF_REG_SIZE);
