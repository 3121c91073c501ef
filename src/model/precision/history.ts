// The per-state instruction history (push_jmp_history, get_prev_insn_idx, get_jmp_hist_entry),
// Linux 6.18: what the precision backtracker needs to walk a path backwards.
//
// Every visit of an instruction adds at most one entry; further pushes during the same visit
// (a jump target that also spills, a conditional jump that compares stack pointers and links
// scalars) merge into it. Entries are pushed for jump targets (jmp points of the CFG), spills to
// and fills from fixed stack slots, conditional jumps on stack pointers or with linked scalars,
// and the instruction a pruned path ended at.
import type { Env } from '../env.ts';
import type { HistEntry, LinkedLoc, VState } from '../state/state.ts';

export interface HistFlags {
  stack?: { frameno: number; spi: number };
  dstStack?: boolean;
  srcStack?: boolean;
  linked?: LinkedLoc[];
}

/** push_jmp_history(): record (or merge into) the entry of the instruction being processed. */
export function pushJmpHistory(env: Env, st: VState, flags: HistFlags = {}): void {
  let e = env.curHistEnt;
  if (!e || st.hist[st.hist.length - 1] !== e) {
    // the state's insn_idx / last_insn_idx are set at the top of each do_check iteration
    e = { idx: st.insnIdx, prevIdx: st.lastInsnIdx, stack: null, dstStack: false, srcStack: false, linked: null };
    st.hist.push(e);
    env.curHistEnt = e;
  }
  if (flags.stack) e.stack = flags.stack;
  if (flags.dstStack) e.dstStack = true;
  if (flags.srcStack) e.srcStack = true;
  if (flags.linked) e.linked = flags.linked;
}

/** get_jmp_hist_entry(): the top unconsumed entry if it belongs to instruction `i`. */
export function histEntryAt(st: VState, cnt: number, i: number): HistEntry | null {
  const e = cnt > 0 ? st.hist[cnt - 1] : undefined;
  return e && e.idx === i ? e : null;
}

/**
 * get_prev_insn_idx(): the instruction executed before `i` in this state's segment, consuming
 * the history entry of `i` when it has one; null at the segment's first instruction.
 */
export function prevInsnIdx(st: VState, i: number, cnt: { n: number }): number | null {
  if (i === st.firstInsnIdx) {
    if (cnt.n === 0) return null;
    if (cnt.n === 1 && st.hist[0].idx === i) return null;
  }
  const top = cnt.n > 0 ? st.hist[cnt.n - 1] : undefined;
  if (top && top.idx === i) {
    cnt.n--;
    return top.prevIdx;
  }
  return i - 1;
}
