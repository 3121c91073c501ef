// ref.* — reference tracking (acquire_reference, release_reference, mark_reg_invalid,
// check_reference_leak / check_resource_leak), Linux 6.18.
//
// rule ref.leak.exit: every acquired reference is released before the main program exits.
// rule ref.release.not-refcounted / ref.release.nonzero-offset live in ../kfunc/args.ts;
// rule ref.release.not-referenced (OBJ_RELEASE helper arguments, bpf_sk_release) in ../exec/call.ts.
// Acquiring helpers (bpf_sk_lookup_tcp/udp, bpf_skc_lookup_tcp) take references here too.
//
// A reference is an entry of VState.refs (id = a fresh env id, insn = the acquiring call).
// Registers naming the object carry refObjId = id; copies, spills and fills share it.
// Releasing drops the entry and invalidates every copy in every frame, spilled slots included:
// 6.18 makes them unknown scalars when the loader may leak pointers (root) and NOT_INIT
// otherwise (mark_reg_invalid).
import type { Env } from '../env.ts';
import { newId } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { NOT_INIT, unknownScalar } from '../state/reg.ts';
import type { VState } from '../state/state.ts';
import { curFrame } from '../state/state.ts';
import { isSpilled } from '../state/stack.ts';

/**
 * bpf_for_each_reg_in_vstate(): rewrite every register and spilled register of every frame;
 * with `iterSlots` also the registers kept in iterator slots (the STACK_ITER mask bit).
 */
export function mapAllRegs(st: VState, f: (r: Reg) => Reg, iterSlots = false): void {
  for (const fr of st.frames) {
    fr.regs = fr.regs.map(f);
    fr.stack = fr.stack.map((slot) => (isSpilled(slot) || (iterSlots && slot.bytes[7] === 'iter') ? { ...slot, spilled: f(slot.spilled) } : slot));
  }
}

/** acquire_reference(): a new REF_TYPE_PTR entry; returns its id. */
export function acquireReference(env: Env, insnIdx: number): number {
  const id = newId(env);
  env.cur.refs.push({ id, insnIdx, kind: 'ptr' });
  return id;
}

/** release_reference_nomark(): drop the entry only. False when no such reference is held. */
export function releaseReferenceNomark(st: VState, id: number): boolean {
  const i = st.refs.findIndex((r) => r.kind === 'ptr' && r.id === id);
  if (i < 0) return false;
  st.refs.splice(i, 1);
  return true;
}

/** release_reference(): drop the entry and invalidate every register that names the object. */
export function releaseReference(env: Env, id: number): boolean {
  if (!releaseReferenceNomark(env.cur, id)) return false;
  const invalid = (): Reg => (env.profile.privileged ? unknownScalar() : NOT_INIT);
  mapAllRegs(env.cur, (r) => (r.refObjId === id ? invalid() : r));
  return true;
}

/**
 * check_resource_leak(): at the main program's exit (prefix `BPF_EXIT instruction in main
 * prog`) and before tail calls (`tail_call`). Held references are listed, one line each,
 * before the reason; then an open RCU read-side section (rcu.exit.locked) and a
 * non-preemptible region (kfunc.preempt.exit-disabled). Spin locks and IRQ-disabled regions
 * belong to other models and are not checked here.
 */
export function checkResourceLeak(env: Env, prefix: string, checkLock: boolean): void {
  const st = env.cur;
  if (st.curframe === 0) {
    const r0 = curFrame(st).regs[0];
    const lingering = st.refs.filter((r) => {
      if (r.kind !== 'ptr') return false;
      // struct_ops programs may hand a referenced kptr back to the kernel in R0
      return !(env.section.progType === 'struct_ops' && r0.refObjId === r.id);
    });
    if (lingering.length > 0) {
      for (const r of lingering) env.log.write(`Unreleased reference id=${r.id} alloc_insn=${r.insnIdx}\n`);
      reject(RULES.refLeakExit, prefix);
    }
  }
  if (checkLock && st.activeIrqId) reject(RULES.irqExit, prefix);
  if (checkLock && st.activeRcuLocks) reject(RULES.rcuExitLocked, prefix);
  if (checkLock && st.activePreemptLocks) reject(RULES.preemptExit, prefix);
}
