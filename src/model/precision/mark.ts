// Precision marking (__mark_chain_precision, mark_chain_precision, propagate_precision,
// mark_all_scalars_precise, mark_all_scalars_imprecise), Linux 6.18.
//
// A scalar is *precise* when some check depended on its exact range: a branch the verifier could
// decide, a size or constant argument, pointer arithmetic, a return-value range. Pruning may
// then only treat an explored state as covering a new one if the precise scalars' ranges cover
// the new ones; imprecise scalars match anything. Marking walks the current path backwards
// (backtrack.ts) and sets `precise` on the scalars of the checkpoints along it — never on the
// current state itself — until every wanted register is explained.
import type { Env } from '../env.ts';
import { ModelBug } from '../errors.ts';
import type { Reg } from '../state/reg.ts';
import type { VState } from '../state/state.ts';
import { isSpilledScalar } from '../state/stack.ts';
import { formatFrameState } from '../print-state.ts';
import { Backtrack, backtrackInsn, fmtRegMask, fmtStackMask } from './backtrack.ts';
import { histEntryAt, prevInsnIdx } from './history.ts';

const markPrecise = (r: Reg): Reg => ({ ...r, precise: true });

/** mark_all_scalars_precise(): the fallback when backtracking cannot follow a path. */
export function markAllScalarsPrecise(env: Env, start: VState): void {
  if (env.log.l2) env.log.write(`mark_precise: frame${start.curframe}: falling back to forcing all scalars precise\n`);
  for (let st = start.parent; st; st = st.parent) {
    for (let i = 0; i <= st.curframe; i++) {
      const f = st.frames[i];
      f.regs = f.regs.map((r, j) => {
        if (j > 9 || r.type !== 'scalar' || r.precise) return r;
        if (env.log.l2) env.log.write(`force_precise: frame${i}: forcing r${j} to be precise\n`);
        return markPrecise(r);
      });
      f.stack = f.stack.map((slot, j) => {
        if (slot.bytes[7] !== 'spill' || slot.spilled.type !== 'scalar' || slot.spilled.precise) return slot;
        if (env.log.l2) env.log.write(`force_precise: frame${i}: forcing fp${(-j - 1) * 8} to be precise\n`);
        return { ...slot, spilled: markPrecise(slot.spilled) };
      });
    }
  }
}

/** mark_all_scalars_imprecise(): a new checkpoint forgets the precision its copy inherited. */
export function markAllScalarsImprecise(st: VState): void {
  for (const f of st.frames) {
    f.regs = f.regs.map((r) => (r.type === 'scalar' && r.precise ? { ...r, precise: false } : r));
    f.stack = f.stack.map((slot) => (isSpilledScalar(slot) && slot.spilled.precise ? { ...slot, spilled: { ...slot.spilled, precise: false } } : slot));
  }
}

/**
 * __mark_chain_precision(): explain `bt` (preloaded by the caller, plus `regno` of the current
 * frame when given) backwards from `start`, marking the checkpoints on the way. Returns whether
 * any mark was added.
 */
export function markChainPrecisionFrom(env: Env, start: VState, bt: Backtrack, regno = -1): boolean {
  if (!env.profile.privileged) return false; // unprivileged: every scalar is born precise
  let changed = false;
  bt.frame = start.curframe;
  if (regno >= 0) {
    const reg = start.frames[bt.frame].regs[regno];
    if (reg.type !== 'scalar') throw new ModelBug('backtracking misuse');
    bt.setReg(regno);
  }
  if (bt.empty()) return false;
  let st: VState | null = start;
  let lastIdx = start.insnIdx;
  let firstIdx = start.firstInsnIdx;
  let subseqIdx = -1;
  let skipFirst = true;
  for (;;) {
    const cnt = { n: st.hist.length };
    if (env.log.l2) env.log.write(`mark_precise: frame${bt.frame}: last_idx ${lastIdx} first_idx ${firstIdx} subseq_idx ${subseqIdx} \n`);
    if (lastIdx < 0) throw new ModelBug(`backtracking func entry reg_mask ${bt.regs[bt.frame].toString(16)} stack_mask ${bt.stack[bt.frame].toString(16)}`);
    let i: number | null = lastIdx;
    while (i !== null) {
      if (skipFirst) {
        skipFirst = false;
      } else {
        const hist = histEntryAt(st, cnt.n, i);
        if (backtrackInsn(env, i, subseqIdx, hist, bt) === 'notsupp') {
          markAllScalarsPrecise(env, start);
          bt.reset();
          return changed;
        }
      }
      if (bt.empty()) return changed;
      subseqIdx = i;
      i = prevInsnIdx(st, i, cnt);
      if (i !== null && (i < 0 || i >= env.prog.insns.length)) throw new ModelBug(`backtracking idx ${i}`);
    }
    st = st.parent;
    if (!st) break;
    for (let fr = bt.frame; fr >= 0; fr--) {
      const func = st.frames[fr];
      for (let r = 0; r < 11; r++) {
        if (!bt.hasReg(r, fr)) continue;
        const reg = func.regs[r];
        if (reg.type !== 'scalar' || reg.precise) bt.clearReg(r, fr);
        else {
          func.regs[r] = markPrecise(reg);
          changed = true;
        }
      }
      for (let s = 0; s < 64; s++) {
        if (!bt.hasSlot(fr, s)) continue;
        if (s >= func.stack.length) throw new ModelBug(`stack slot ${s}, total slots ${func.stack.length}`);
        const slot = func.stack[s];
        if (!isSpilledScalar(slot) || slot.spilled.precise) bt.clearSlot(fr, s);
        else {
          func.stack[s] = { ...slot, spilled: markPrecise(slot.spilled) };
          changed = true;
        }
      }
      if (env.log.l2) {
        env.log.write(`mark_precise: frame${fr}: parent state regs=${fmtRegMask(bt.regs[fr])} stack=${fmtStackMask(bt.stack[fr])}: ${formatFrameState(st, fr, env.prog, null)}\n`);
      }
    }
    if (bt.empty()) return changed;
    subseqIdx = firstIdx;
    lastIdx = st.lastInsnIdx;
    firstIdx = st.firstInsnIdx;
  }
  if (!bt.empty()) {
    markAllScalarsPrecise(env, start);
    bt.reset();
  }
  return changed;
}

/** mark_chain_precision(): register `regno` of the current frame must be exact. */
export function markChainPrecision(env: Env, regno: number): void {
  const bt = new Backtrack();
  markChainPrecisionFrom(env, env.cur, bt, regno);
}

/** The stack slot `spi` of frame `frameno` must be exact (get_constant_map_key's batch call). */
export function markSlotPrecision(env: Env, frameno: number, spi: number): void {
  const bt = new Backtrack();
  bt.setSlot(frameno, spi);
  markChainPrecisionFrom(env, env.cur, bt);
}

/**
 * propagate_precision(): `cur` was found equivalent to `old`; whatever had to be precise in
 * `old` must be precise on `cur`'s path too.
 */
export function propagatePrecision(env: Env, old: VState, cur: VState): boolean {
  const bt = new Backtrack();
  for (let fr = old.curframe; fr >= 0; fr--) {
    const f = old.frames[fr];
    let first = true;
    const say = (what: string): void => {
      if (env.log.l2) env.log.write(first ? `frame ${fr}: propagating ${what}` : `,${what}`);
      first = false;
    };
    for (let r = 0; r < 10; r++) {
      const reg = f.regs[r];
      if (reg.type !== 'scalar' || !reg.precise) continue;
      say(`r${r}`);
      bt.setReg(r, fr);
    }
    for (let s = 0; s < f.stack.length; s++) {
      const slot = f.stack[s];
      if (slot.bytes[7] !== 'spill' || slot.spilled.type !== 'scalar' || !slot.spilled.precise) continue;
      say(`fp${(-s - 1) * 8}`);
      bt.setSlot(fr, s);
    }
    if (!first && env.log.l2) env.log.write('\n');
  }
  return markChainPrecisionFrom(env, cur, bt);
}
