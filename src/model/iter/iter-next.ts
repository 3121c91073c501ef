// Iterator _next calls and loop convergence (process_iter_next_call, find_prev_entry,
// widen_imprecise_scalars, iter_active_depths_differ, the iterator part of is_state_visited),
// Linux 6.18.
//
// A `bpf_iter_<type>_next()` call on an ACTIVE iterator splits the path:
//   - the current path continues with the iterator DRAINED and R0 = 0 (the loop exit);
//   - a queued path resumes after the call with the iterator ACTIVE, depth + 1, and R0 the
//     non-NULL element. If the same call was checkpointed earlier on this path (the previous
//     iteration), scalars that differ from that checkpoint and are not precise become unknown,
//     so that the loop can converge.
// On a DRAINED iterator _next returns NULL only. At a _next call a state whose iterator is
// ACTIVE is pruned by an earlier, still-open checkpoint that covers it (states_equal with
// RANGE_WITHIN): the loop has converged.
//
// Widening keeps every scalar that is precise in either state (precision/mark.ts marks the
// checkpoints a check depended on), so a counter compared against a bound is walked value by value.
import type { Env } from '../env.ts';
import { ModelBug } from '../errors.ts';
import type { Reg } from '../state/reg.ts';
import { PTR_MAYBE_NULL, knownScalar, unknownScalar } from '../state/reg.ts';
import type { VState } from '../state/state.ts';
import { isSpilled } from '../state/stack.ts';
import { IdMap, regsExact } from '../prune.ts';
import { pushBranch } from '../explore-stack.ts';
import { type IterArgMeta, iterSlotReg } from './iter-arg.ts';
import { iterReleaseAcquiredRef } from './forbid-sleep.ts';
import { iterTransition } from './lifecycle.ts';

/** same_callsites(). */
export function sameCallsites(a: VState, b: VState): boolean {
  if (a.curframe !== b.curframe) return false;
  for (let fr = a.curframe; fr >= 0; fr--) if (a.frames[fr].callsite !== b.frames[fr].callsite) return false;
  return true;
}

/** find_prev_entry(): the latest checkpoint at `insnIdx` that is still open on the path to `cur`. */
export function findPrevEntry(env: Env, cur: VState, insnIdx: number): VState | null {
  for (const sl of env.explored.get(insnIdx) ?? []) {
    const st = sl.state;
    if (st.insnIdx === insnIdx && st.branches > 0 && sameCallsites(st, cur) && st.dfsDepth < cur.dfsDepth) return st;
  }
  return null;
}

/** widen_imprecise_scalars(): registers and spilled scalars of every frame. */
export function widenImpreciseScalars(old: VState, cur: VState): void {
  const ids = new IdMap();
  const widen = (o: Reg, c: Reg): Reg => {
    if (o.type !== 'scalar' || c.type !== 'scalar') return c;
    if (o.precise || c.precise || regsExact(o, c, ids)) return c;
    return unknownScalar();
  };
  for (let fr = old.curframe; fr >= 0; fr--) {
    const fo = old.frames[fr];
    const fc = cur.frames[fr];
    fc.regs = fc.regs.map((r, i) => widen(fo.regs[i], r));
    const n = Math.min(fo.stack.length, fc.stack.length);
    for (let i = 0; i < n; i++) {
      if (!isSpilled(fo.stack[i]) || !isSpilled(fc.stack[i])) continue;
      const w = widen(fo.stack[i].spilled, fc.stack[i].spilled);
      if (w !== fc.stack[i].spilled) fc.stack[i] = { ...fc.stack[i], spilled: w };
    }
  }
}

/** Replace the iterator register of `meta` in state `st`. */
function setIterSlot(st: VState, meta: IterArgMeta, f: (r: Reg) => Reg): void {
  const frame = st.frames[meta.frameno];
  const slot = frame.stack[meta.spi];
  frame.stack[meta.spi] = { ...slot, spilled: f(slot.spilled) };
}

/** process_iter_next_call(): called after R0 has been typed from the prototype. */
export function processIterNextCall(env: Env, insnIdx: number, meta: IterArgMeta): void {
  const cur = env.cur;
  const it = iterSlotReg(env, meta).iter;
  if (!it) throw new ModelBug('iterator slot without iterator state');
  // active: fork into the element (active) and NULL (drained); drained: NULL only
  const t = iterTransition(it.state, 'next');
  if (t.alsoTo !== undefined) {
    const parent = cur.parent;
    // _next calls are forced checkpoints, so the parent is the checkpoint at this very call
    if (!parent || parent.insnIdx !== insnIdx || !sameCallsites(parent, cur)) throw new ModelBug('bad parent state for iter next call');
    const prev = findPrevEntry(env, parent, insnIdx);
    const queued = pushBranch(env, insnIdx + 1, insnIdx);
    setIterSlot(queued, meta, (r) => ({ ...r, iter: { ...it, state: 'active', depth: it.depth + 1 } }));
    if (prev) widenImpreciseScalars(prev, queued);
    const qf = queued.frames[queued.curframe];
    qf.regs[0] = { ...qf.regs[0], flags: qf.regs[0].flags & ~PTR_MAYBE_NULL };
  }
  setIterSlot(cur, meta, (r) => ({ ...r, iter: { ...it, state: 'drained' } }));
  cur.frames[cur.curframe].regs[0] = knownScalar(0n);
  // the KF_FORBID_SLEEP series: NULL was returned, so the element reference just taken goes
  iterReleaseAcquiredRef(env, meta);
}

/** iter_active_depths_differ(): an active iterator of `old` has another depth in `cur`. */
export function iterActiveDepthsDiffer(old: VState, cur: VState): boolean {
  for (let fr = old.curframe; fr >= 0; fr--) {
    const stack = old.frames[fr].stack;
    for (let i = 0; i < stack.length; i++) {
      if (stack[i].bytes[0] !== 'iter') continue;
      const o = stack[i].spilled.iter;
      if (o?.state !== 'active') continue;
      if (cur.frames[fr].stack[i]?.spilled.iter?.depth !== o.depth) return true;
    }
  }
  return false;
}

/** The iterator R1 points to at a _next call in `st` is ACTIVE (is_state_visited's loop test). */
export function iterAtR1Active(st: VState): boolean {
  const r1 = st.frames[st.curframe].regs[1];
  if (r1.type !== 'stack') return false;
  const off = r1.off + Number(BigInt.asIntN(64, r1.s.varOff.value));
  const spi = Math.floor((-off - 1) / 8);
  return st.frames[r1.frameno ?? st.curframe].stack[spi]?.spilled.iter?.state === 'active';
}
