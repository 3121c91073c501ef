// The stack of branches still to explore (push_stack / pop_stack) and branch counting
// (update_branch_counts), which is how the kernel knows a checkpoint is on the current path.
import type { Env } from './env.ts';
import { BPF_COMPLEXITY_LIMIT_JMP_SEQ } from './env.ts';
import { reject } from './errors.ts';
import { RULES } from '../messages/catalog.ts';
import { copyState, type VState } from './state/state.ts';
import { maybeExitScc } from './precision/scc.ts';

/** push_stack(): remember the current state to continue later at insnIdx. */
export function pushBranch(env: Env, insnIdx: number, prevInsnIdx: number): VState {
  const st = copyState(env.cur);
  st.branches = 1;
  env.stack.push({ state: st, insnIdx, prevInsnIdx, logPos: env.log.endPos });
  if (env.stack.length > BPF_COMPLEXITY_LIMIT_JMP_SEQ) reject(RULES.jmpSeqTooComplex, env.stack.length);
  if (st.parent) st.parent.branches++;
  return st;
}

/**
 * update_branch_counts(): a path finished; release its checkpoints up the parent chain. A
 * checkpoint left with no open branches may end a loop visit (precision/scc.ts).
 */
export function updateBranchCounts(env: Env, st: VState | null): void {
  while (st) {
    st.branches--;
    if (st.branches > 0) break;
    if (st.checkpoint) maybeExitScc(env, st);
    st = st.parent;
  }
}
