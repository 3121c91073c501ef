// Linked scalars: registers (and spilled stack slots) that hold the same unknown value,
// possibly plus a known constant, so that a conditional jump narrowing one of them narrows
// them all. Mirrors kernel/bpf/verifier.c of Linux 6.18.y (with the 6.18-stable linked
// register fixes: negative deltas, BPF_SUB and alu32 links, the src == dst guard, the
// mixed-width skip and the base-id check in pruning):
//
//   r1 = r2        assign_scalar_id_before_mov(): both carry reg->id == N
//   r1 += 10       adjust_reg_min_max_vals(): r1->id == N | BPF_ADD_CONST64, r1->off == 10
//   w3 += 10       (after r3 = r2 with r2 <= U32_MAX): N | BPF_ADD_CONST32, off 10
//   if r2 < 100    collect_linked_regs() + sync_linked_regs(): r1 = r2 + (10 - 0)
//
// The model keeps the kernel's encoding: Reg.id holds the base id plus the flag bit
// (2^31 for a 64-bit add, 2^30 for a 32-bit one) and Reg.off the constant delta, which is
// 0 whenever the flag is clear (every place that clears a scalar id clears the delta).
// Ids are plain numbers, so the flag arithmetic below never uses 32-bit bitwise operators.
import type { Insn } from '../../isa/insn.ts';
import { BPF_ALU64, insnClass } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { newId } from '../env.ts';
import type { Reg } from '../state/reg.ts';
import { withReg } from '../state/reg.ts';
import type { VState } from '../state/state.ts';
import { scalarAddLinkDelta } from '../scalar/alu.ts';
import { S32_MAX, S32_MIN, U32_MAX } from '../scalar/scalar.ts';
import { tnumIsConst, tnumSubreg } from '../scalar/tnum.ts';
import type { LinkedLoc } from '../state/state.ts';

/** BPF_ADD_CONST64: the register is its base id's value plus reg->off, computed in 64 bits. */
export const BPF_ADD_CONST64 = 2 ** 31;
/** BPF_ADD_CONST32: the same for a 32-bit add (the result was zero-extended). */
export const BPF_ADD_CONST32 = 2 ** 30;

/** reg->id & ~BPF_ADD_CONST: the id shared by every register of the link. */
export const baseId = (id: number): number => id % BPF_ADD_CONST32;
/** reg->id & BPF_ADD_CONST: 0, BPF_ADD_CONST32 or BPF_ADD_CONST64. */
export const addConstFlag = (id: number): number => id - baseId(id);
export const isAddConst = (id: number): boolean => addConstFlag(id) !== 0;

/**
 * The constant the log prints after the id ("id=1+4", "id=1-5"): reg->off when the
 * register carries BPF_ADD_CONST, otherwise undefined.
 */
export const addConstDelta = (r: Reg): number | undefined => (isAddConst(r.id) ? r.off : undefined);

/** clear_scalar_id(): the register stops being linked (id and delta both cleared). */
export const unlinkScalar = (r: Reg): Reg => (r.id === 0 && r.off === 0 ? r : withReg(r, { id: 0, off: 0 }));

/**
 * assign_scalar_id_before_mov(): before a scalar is copied (rX = rY, a spill, a 32-bit
 * move of a value that fits), a register that already went through `rY += K` loses
 * that link (multiple deltas are not tracked), and an unknown register without an id
 * gets a fresh one so the copy and the source are linked. Returns the new source.
 */
export function linkBeforeCopy(env: Env, src: Reg): Reg {
  if (src.type !== 'scalar') return src;
  let r = isAddConst(src.id) ? withReg(src, { id: 0, off: 0 }) : src;
  if (r.id === 0 && !tnumIsConst(r.s.varOff)) r = withReg(r, { id: newId(env) });
  return r;
}

/** is_reg_const() / reg_const_value() for the delta: the 32-bit or 64-bit constant. */
function constValue(src: Reg, alu32: boolean): bigint | null {
  if (src.type !== 'scalar') return null;
  const t = alu32 ? tnumSubreg(src.s.varOff) : src.s.varOff;
  return tnumIsConst(t) ? t.value : null;
}

/**
 * The end of adjust_reg_min_max_vals() for a scalar destination: which id and delta the
 * result of `dst op= src` carries. `dst` is the register before the operation, `src` the
 * source operand (for BPF_K the known immediate). Only a privileged (bpf_capable) 64-bit
 * or 32-bit BPF_ADD / BPF_SUB of a constant to a register that has an id, and has not
 * been offset already, keeps the link:
 *   - a 64-bit constant outside [S32_MIN, S32_MAX] breaks it (reg->off is an s32);
 *   - a 32-bit add whose destination could exceed U32_MAX beforehand breaks it (the
 *     zero-extension would not be a constant delta);
 *   - `rX -= S32_MIN` breaks it (the negated delta would overflow);
 *   - `rX += rX` breaks it (the source was already overwritten);
 *   - a second add to an already offset register breaks it.
 * Every other ALU operation clears both the id and the delta.
 */
export function linkAfterAlu(env: Env, insn: Insn, dst: Reg, src: Reg): { id: number; off: number } {
  const o = op.bpfOp(insn.code);
  const alu32 = insnClass(insn.code) !== BPF_ALU64;
  const isX = op.bpfSrc(insn.code) === op.BPF_X;
  const cleared = { id: 0, off: 0 };
  if (!env.profile.privileged || (o !== op.BPF_ADD && o !== op.BPF_SUB) || dst.id === 0) return cleared;
  if (isX && insn.src === insn.dst) return cleared;
  const val = constValue(src, alu32);
  if (val === null) return cleared;
  if (!alu32) {
    const sval = BigInt.asIntN(64, val);
    if (sval < S32_MIN || sval > S32_MAX) return cleared;
  } else if (dst.s.umax > U32_MAX) {
    return cleared;
  }
  let off = Number(BigInt.asIntN(32, val));
  if (o === op.BPF_SUB) {
    if (off === Number(S32_MIN)) return cleared;
    off = -off;
  }
  if (isAddConst(dst.id)) return cleared;
  return { id: dst.id + (alu32 ? BPF_ADD_CONST32 : BPF_ADD_CONST64), off };
}


/** LINKED_REGS_MAX: how many registers one jump can link (one jump-history entry). */
const LINKED_REGS_MAX = 6;

/** struct linked_regs: the registers sync_linked_regs() may update after one jump. */
export class LinkedRegs {
  entries: LinkedLoc[] = [];

  /** linked_regs_push(): false when the set is full. */
  push(e: LinkedLoc): boolean {
    if (this.entries.length >= LINKED_REGS_MAX) return false;
    this.entries.push(e);
    return true;
  }
}

const regAt = (st: VState, e: LinkedLoc): Reg | undefined =>
  e.isReg ? st.frames[e.frameno]?.regs[e.index] : st.frames[e.frameno]?.stack[e.index]?.spilled;

function setRegAt(st: VState, e: LinkedLoc, r: Reg): void {
  const f = st.frames[e.frameno];
  if (e.isReg) f.regs[e.index] = r;
  else f.stack[e.index] = { ...f.stack[e.index], spilled: r };
}

/** __collect_linked_regs(): add one register, or unlink it when the set is full. */
function collectOne(st: VState, e: LinkedLoc, want: number, set: LinkedRegs): void {
  const r = regAt(st, e);
  if (!r || r.type !== 'scalar' || baseId(r.id) !== want) return;
  if (!set.push(e)) setRegAt(st, e, unlinkScalar(r)); // too many copies: the leftover ones are unlinked
}

/**
 * collect_linked_regs(): every scalar of every frame (innermost first) whose base id is
 * `id`'s — registers only when live before the frame's current instruction (the jump
 * for the current frame, the call site for callers), spilled slots always. Runs on the
 * current state before the other branch is pushed, so unlinking affects both branches.
 */
export function collectLinkedRegs(env: Env, st: VState, id: number, set: LinkedRegs): void {
  const want = baseId(id);
  for (let i = st.curframe; i >= 0; i--) {
    const f = st.frames[i];
    const at = i === st.curframe ? env.insnIdx : st.frames[i + 1].callsite;
    const live = env.liveRegsBefore[at] ?? 0;
    for (let j = 0; j < 10; j++) {
      if (live & (1 << j)) collectOne(st, { frameno: i, isReg: true, index: j }, want, set);
    }
    for (let j = 0; j < f.stack.length; j++) {
      if (f.stack[j].bytes[7] === 'spill') collectOne(st, { frameno: i, isReg: false, index: j }, want, set);
    }
  }
}

/**
 * sync_linked_regs(): after a jump narrowed register `regno` of the current frame of
 * `st`, every other collected register with the same base id takes its value — a plain
 * copy when neither carries a delta or both carry the same one (copy_register_state,
 * which also copies the id and delta), otherwise the known value plus the difference of
 * the deltas, keeping the register's own id and delta. Links of mixed widths (one
 * BPF_ADD_CONST32, the other BPF_ADD_CONST64) are skipped.
 */
export function syncLinkedRegs(st: VState, regno: number, set: LinkedRegs): void {
  const knownLoc: LinkedLoc = { frameno: st.curframe, isReg: true, index: regno };
  for (const e of set.entries) {
    if (e.frameno === knownLoc.frameno && e.isReg && e.index === regno) continue;
    const known = regAt(st, knownLoc);
    const reg = regAt(st, e);
    if (!known || !reg || reg.type !== 'scalar') continue;
    if (baseId(reg.id) !== baseId(known.id)) continue;
    const rf = addConstFlag(reg.id);
    const kf = addConstFlag(known.id);
    if (rf !== 0 && kf !== 0 && rf !== kf) continue;
    if ((rf === 0 && kf === 0) || reg.off === known.off) {
      setRegAt(st, e, { ...known });
      continue;
    }
    const zext = rf === BPF_ADD_CONST32 || kf === BPF_ADD_CONST32;
    const s = scalarAddLinkDelta(known.s, BigInt(reg.off) - BigInt(known.off), zext);
    setRegAt(st, e, { ...known, id: reg.id, off: reg.off, s });
  }
}

/**
 * check_stack_write_fixed_off() spilling a scalar that fits the slot: the source register
 * (cur->regs[value_regno], the STX's src of the current frame) goes through
 * assign_scalar_id_before_mov() so the spill and the register are linked. Returns the
 * register to save; `value` unchanged when it is not the current instruction's source.
 */
export function linkSpillSource(env: Env, value: Reg): Reg {
  const insn = env.prog.insns[env.insnIdx];
  const regs = env.cur.frames[env.cur.curframe].regs;
  if (insn === undefined || regs[insn.src] !== value) return value;
  const linked = linkBeforeCopy(env, value);
  regs[insn.src] = linked;
  return linked;
}
