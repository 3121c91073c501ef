// Backtracking one instruction for precision (struct backtrack_state, backtrack_insn,
// bt_sync_linked_regs), Linux 6.18.
//
// The walk goes backwards over a path with a set of registers and stack slots, per call frame,
// whose values must be known exactly; each instruction either explains a member (a constant
// move: done; a copy or an ALU op with a register: the source joins; a fill: the stack slot
// joins) or leaves it to earlier instructions. Calls and exits move the walk between frames.
import { BPF_ALU, BPF_ALU64, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_ST, BPF_STX, insnClass } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { ModelBug } from '../errors.ts';
import type { HistEntry } from '../state/state.ts';

export const MAX_FRAMES = 8;
/** BPF_REGMASK_ARGS: r1..r5. */
export const REGMASK_ARGS = 0x3e;

/** struct backtrack_state: the registers and stack slots still to explain, per frame. */
export class Backtrack {
  frame = 0;
  readonly regs: number[] = Array<number>(MAX_FRAMES).fill(0);
  readonly stack: bigint[] = Array<bigint>(MAX_FRAMES).fill(0n);

  reset(): void {
    this.frame = 0;
    this.regs.fill(0);
    this.stack.fill(0n);
  }
  empty(): boolean {
    for (let f = 0; f <= this.frame; f++) if (this.regs[f] || this.stack[f]) return false;
    return true;
  }
  setReg(r: number, f = this.frame): void {
    this.regs[f] |= 1 << r;
  }
  clearReg(r: number, f = this.frame): void {
    this.regs[f] &= ~(1 << r);
  }
  hasReg(r: number, f = this.frame): boolean {
    return (this.regs[f] & (1 << r)) !== 0;
  }
  setSlot(f: number, spi: number): void {
    this.stack[f] |= 1n << BigInt(spi);
  }
  clearSlot(f: number, spi: number): void {
    this.stack[f] &= ~(1n << BigInt(spi));
  }
  hasSlot(f: number, spi: number): boolean {
    return (this.stack[f] & (1n << BigInt(spi))) !== 0n;
  }
  subprogEnter(): void {
    if (this.frame >= MAX_FRAMES - 1) throw new ModelBug(`subprog enter from frame ${this.frame}`);
    this.frame++;
  }
  subprogExit(): void {
    if (this.frame === 0) throw new ModelBug('subprog exit from frame 0');
    this.frame--;
  }
}

/** fmt_reg_mask(): `r0,r2`. */
export function fmtRegMask(mask: number): string {
  const out: string[] = [];
  for (let i = 0; i < 11; i++) if (mask & (1 << i)) out.push(`r${i}`);
  return out.join(',');
}

/** bpf_fmt_stack_mask(): slots as `-8,-24`. */
export function fmtStackMask(mask: bigint): string {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if (mask & (1n << BigInt(i))) out.push(String(-(i + 1) * 8));
  return out.join(',');
}

/** bt_sync_linked_regs(): if any scalar a jump linked is wanted, all of them are. */
function syncLinked(bt: Backtrack, hist: HistEntry | null): void {
  const linked = hist?.linked;
  if (!linked || linked.length === 0) return;
  const wanted = linked.some((e) => (e.isReg ? bt.hasReg(e.index, e.frameno) : bt.hasSlot(e.frameno, e.index)));
  if (!wanted) return;
  for (const e of linked) {
    if (e.isReg) bt.setReg(e.index, e.frameno);
    else bt.setSlot(e.frameno, e.index);
  }
}

/** What backtracking one instruction found: 'notsupp' makes the caller force every scalar precise. */
export type BacktrackOutcome = 'ok' | 'notsupp';

/**
 * backtrack_insn(): update `bt` for instruction `idx`; `subseqIdx` is the instruction that ran
 * after it on the path (-1 for the first one walked).
 */
export function backtrackInsn(env: Env, idx: number, subseqIdx: number, hist: HistEntry | null, bt: Backtrack): BacktrackOutcome {
  const insns = env.prog.insns;
  const insn = insns[idx];
  if (insn.code === 0) return 'ok'; // second slot of ld_imm64
  if (env.log.l2) {
    env.log.write(`mark_precise: frame${bt.frame}: regs=${fmtRegMask(bt.regs[bt.frame])} stack=${fmtStackMask(bt.stack[bt.frame])} before ${idx}: ${env.insnText(idx)}\n`);
  }
  syncLinked(bt, hist);
  const cls = insnClass(insn.code);
  const opc = op.bpfOp(insn.code);
  const mode = op.bpfMode(insn.code);
  const isX = op.bpfSrc(insn.code) === op.BPF_X;
  const dreg = insn.dst;
  const sreg = insn.src;
  if (cls === BPF_ALU || cls === BPF_ALU64) {
    if (!bt.hasReg(dreg)) return 'ok';
    if (opc === op.BPF_END || opc === op.BPF_NEG) return 'ok';
    if (opc === op.BPF_MOV) {
      bt.clearReg(dreg);
      if (isX && sreg !== 10) bt.setReg(sreg);
    } else if (isX && sreg !== 10) {
      bt.setReg(sreg);
    }
  } else if (cls === BPF_LDX || (cls === BPF_STX && mode === op.BPF_ATOMIC && insn.imm === op.BPF_LOAD_ACQ)) {
    if (!bt.hasReg(dreg)) return 'ok';
    bt.clearReg(dreg);
    if (!hist?.stack) return 'ok';
    bt.setSlot(hist.stack.frameno, hist.stack.spi);
    return 'ok';
  } else if (cls === BPF_STX || cls === BPF_ST) {
    if (bt.hasReg(dreg)) return 'notsupp'; // a scalar used as an address
    if (!hist?.stack) return 'ok';
    const { frameno, spi } = hist.stack;
    if (!bt.hasSlot(frameno, spi)) return 'ok';
    bt.clearSlot(frameno, spi);
    if (cls === BPF_STX) bt.setReg(sreg);
    return 'ok';
  } else if (cls === BPF_JMP || cls === BPF_JMP32) {
    if (opc === op.BPF_CALL && sreg === op.BPF_PSEUDO_CALL) {
      // a static subprogram's call, seen from its first instruction: only its arguments can
      // still be wanted, and they belong to the caller
      if (bt.regs[bt.frame] & ~REGMASK_ARGS) throw new ModelBug(`static subprog unexpected regs ${bt.regs[bt.frame].toString(16)}`);
      if (bt.stack[bt.frame] !== 0n) throw new ModelBug(`static subprog leftover stack slots ${bt.stack[bt.frame].toString(16)}`);
      for (let r = 1; r <= 5; r++) {
        if (bt.hasReg(r)) {
          bt.clearReg(r);
          bt.setReg(r, bt.frame - 1);
        }
      }
      bt.subprogExit();
      return 'ok';
    }
    if (opc === op.BPF_CALL) {
      if (sreg === op.BPF_PSEUDO_KFUNC_CALL && insn.imm === 0) return 'notsupp';
      bt.clearReg(0);
      if (bt.regs[bt.frame] & REGMASK_ARGS) throw new ModelBug(`backtracking call unexpected regs ${bt.regs[bt.frame].toString(16)}`);
    } else if (opc === op.BPF_EXIT) {
      // walking from a caller back into the callee that returned
      if (bt.regs[bt.frame] & REGMASK_ARGS) throw new ModelBug(`backtracking exit unexpected regs ${bt.regs[bt.frame].toString(16)}`);
      const prev = subseqIdx - 1 >= 0 ? insns[subseqIdx - 1] : undefined;
      const r0Precise = prev !== undefined && insnClass(prev.code) === BPF_JMP && op.bpfOp(prev.code) === op.BPF_CALL && prev.src === op.BPF_PSEUDO_CALL && bt.hasReg(0);
      bt.clearReg(0);
      bt.subprogEnter();
      if (r0Precise) bt.setReg(0);
      return 'ok';
    } else if (opc !== op.BPF_JA && opc !== op.BPF_JCOND && isX) {
      if (!bt.hasReg(dreg) && !bt.hasReg(sreg)) return 'ok';
      if (!hist?.srcStack) bt.setReg(sreg);
      if (!hist?.dstStack) bt.setReg(dreg);
    }
  } else if (cls === BPF_LD) {
    if (!bt.hasReg(dreg)) return 'ok';
    bt.clearReg(dreg);
    if (mode === op.BPF_IND || mode === op.BPF_ABS) return 'notsupp';
  }
  syncLinked(bt, hist);
  return 'ok';
}
