// Loops and precision (compute_scc_callchain, maybe_enter_scc, maybe_exit_scc,
// add_scc_backedge, incomplete_read_marks, propagate_backedges), Linux 6.17+.
//
// Instructions inside a loop belong to a strongly connected component of the CFG (cfg.ts). When
// a path inside one is pruned as a loop back-edge (an iterator's _next that converged), the
// precision the loop needs is not final yet: the pruned state is kept as a *backedge*, states of
// that loop are compared range-wise (RANGE_WITHIN) while backedges are pending, and when the
// loop's entry checkpoint has no open branches left, precision is propagated from every backedge
// to a fixed point.
import type { Env } from '../env.ts';
import { ModelBug } from '../errors.ts';
import type { VState } from '../state/state.ts';
import { markAllScalarsPrecise, propagatePrecision } from './mark.ts';

export interface SccVisit {
  entry: VState | null;
  backedges: { state: VState; equal: VState }[];
}

/** frame_insn_idx(): where frame `i` of `st` is: the state's insn for the top frame, else the call site. */
const frameInsnIdx = (st: VState, i: number): number => (i === st.curframe ? st.insnIdx : st.frames[i + 1].callsite);

/** compute_scc_callchain(): `(callsites..., scc)` of the first frame inside a loop, or null. */
export function sccCallchain(env: Env, st: VState): string | null {
  const sites: number[] = [];
  for (let i = 0; i <= st.curframe; i++) {
    const idx = frameInsnIdx(st, i);
    const scc = env.scc[idx] ?? 0;
    if (scc) return `(${[...sites, scc].join(',')})`;
    if (i === st.curframe) return null;
    sites.push(idx);
  }
  return null;
}

/** maybe_enter_scc(): a new checkpoint may be the first one of a loop visit. */
export function maybeEnterScc(env: Env, st: VState): void {
  const chain = sccCallchain(env, st);
  if (!chain) return;
  let visit = env.sccVisits.get(chain);
  if (!visit) {
    visit = { entry: null, backedges: [] };
    env.sccVisits.set(chain, visit);
  }
  if (!visit.entry) {
    visit.entry = st;
    if (env.log.l2) env.log.write(`SCC enter ${chain}\n`);
  }
}

/** incomplete_read_marks(): `st` is inside a loop visit with backedges still pending. */
export function incompleteReadMarks(env: Env, st: VState): boolean {
  const chain = sccCallchain(env, st);
  if (!chain) return false;
  const visit = env.sccVisits.get(chain);
  return visit !== undefined && visit.backedges.length > 0;
}

/** add_scc_backedge(): the pruned path `cur` looped back onto `equal`. */
export function addSccBackedge(env: Env, equal: VState, backedge: VState): void {
  const chain = sccCallchain(env, equal);
  const visit = chain ? env.sccVisits.get(chain) : undefined;
  if (!chain || !visit) throw new ModelBug('add_scc_backedge: no SCC visit for the state');
  if (env.log.l2) env.log.write(`SCC backedge ${chain}\n`);
  visit.backedges.push({ state: backedge, equal });
  env.numBackedges++;
  env.peakStates = Math.max(env.peakStates, env.totalStates + env.numBackedges);
}

/** propagate_backedges(): precision from every backedge, to a fixed point. */
function propagateBackedges(env: Env, visit: SccVisit): void {
  for (let i = 0; ; i++) {
    if (i > 64) {
      if (env.log.l2) env.log.write('propagate_backedges: too many iterations\n');
      for (const b of visit.backedges) markAllScalarsPrecise(env, b.state);
      break;
    }
    let changed = false;
    for (const b of visit.backedges) if (propagatePrecision(env, b.equal, b.state)) changed = true;
    if (!changed) break;
  }
  env.numBackedges -= visit.backedges.length;
  visit.backedges = [];
}

/** maybe_exit_scc(): `st` has no open branches left; if it entered a loop visit, the visit ends. */
export function maybeExitScc(env: Env, st: VState): void {
  const chain = sccCallchain(env, st);
  if (!chain) return;
  const visit = env.sccVisits.get(chain);
  if (!visit) {
    if (st.speculative) return;
    throw new ModelBug(`maybe_exit_scc: no visit for ${chain}`);
  }
  if (visit.entry !== st) return;
  if (env.log.l2) env.log.write(`SCC exit ${chain}\n`);
  visit.entry = null;
  propagateBackedges(env, visit);
}
