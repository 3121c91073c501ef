// kfunc.preempt.* — non-preemptible regions opened by bpf_preempt_disable() (check_kfunc_call,
// check_resource_leak), Linux 6.18. Unlike RCU sections they nest: the state counts them.
//
// rule kfunc.preempt.unmatched-enable: bpf_preempt_enable() needs an open region.
// rule kfunc.preempt.sleepable-in-region: no KF_SLEEPABLE kfunc inside a region.
// rule kfunc.preempt.exit-disabled: the main program may not exit inside a region (checked in
//   ../refs/refs.ts with the other resources).
import type { Env } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';

/** The preemption part of check_kfunc_call(), after the RCU part. */
export function preemptKfuncCall(env: Env, name: string, sleepable: boolean): void {
  const st = env.cur;
  const disable = name === 'bpf_preempt_disable';
  const enable = name === 'bpf_preempt_enable';
  if (st.activePreemptLocks) {
    if (disable) st.activePreemptLocks++;
    else if (enable) st.activePreemptLocks--;
    else if (sleepable) reject(RULES.preemptSleepable, name);
  } else if (disable) {
    st.activePreemptLocks++;
  } else if (enable) {
    reject(RULES.preemptUnmatched, name);
  }
}
