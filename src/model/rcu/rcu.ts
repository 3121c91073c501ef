// rcu.* — RCU read-side sections in BPF programs (check_kfunc_call, in_rcu_cs), Linux 6.18.
//
// rule rcu.lock.nested: bpf_rcu_read_lock() inside a section is rejected (6.18 keeps a boolean).
//   The bpf-next profile counts nested sections instead (late 2025, after 6.18).
// rule rcu.unlock.unmatched: bpf_rcu_read_unlock() outside a section is rejected.
// rule rcu.sleepable-in-cs: a KF_SLEEPABLE kfunc inside a section is rejected.
// rule rcu.exit.locked: see ../refs/refs.ts (check_resource_leak).
//
// At bpf_rcu_read_unlock() every MEM_RCU pointer (registers, spilled slots and iterator slots,
// all frames) loses MEM_RCU and PTR_MAYBE_NULL and becomes PTR_UNTRUSTED: an RCU-protected
// iterator is then refused by its _next and _destroy (../iter/iter-arg.ts).
import type { Env } from '../env.ts';
import { isSleepableProgram } from '../../ir/sections.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import { MEM_RCU, PTR_MAYBE_NULL, PTR_UNTRUSTED, withReg } from '../state/reg.ts';
import { mapAllRegs } from '../refs/refs.ts';

export const isRcuLockKfunc = (name: string): boolean => name === 'bpf_rcu_read_lock';
export const isRcuUnlockKfunc = (name: string): boolean => name === 'bpf_rcu_read_unlock';

/** in_rcu_cs(): inside bpf_rcu_read_lock, holding a spin lock, or any non-sleepable program. */
export function inRcuCs(env: Env): boolean {
  return env.cur.activeRcuLocks > 0 || env.cur.activeLocks > 0 || !isSleepableProgram(env.prog);
}

/** The RCU part of check_kfunc_call(), after the arguments were checked. */
export function rcuKfuncCall(env: Env, name: string, sleepable: boolean): void {
  const st = env.cur;
  const lock = isRcuLockKfunc(name);
  const unlock = isRcuUnlockKfunc(name);
  const nesting = env.profile.rcuNesting;
  if (st.activeRcuLocks) {
    if (lock && !nesting) reject(RULES.rcuNestedLock, name);
    if (lock) {
      st.activeRcuLocks++;
    } else if (unlock) {
      if (--st.activeRcuLocks === 0) {
        // registers, spilled pointers and RCU-protected iterators (spill | iter slot mask)
        mapAllRegs(st, (r) => (r.flags & MEM_RCU ? withReg(r, { flags: (r.flags & ~(MEM_RCU | PTR_MAYBE_NULL)) | PTR_UNTRUSTED }) : r), true);
      }
    } else if (sleepable) {
      reject(RULES.rcuSleepableInCs, name);
    }
  } else if (lock) {
    st.activeRcuLocks = 1;
  } else if (unlock) {
    reject(RULES.rcuUnmatchedUnlock, name);
  }
}
