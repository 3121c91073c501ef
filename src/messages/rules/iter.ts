// Rules for open-coded iterators (process_iter_arg, check_kfunc_args) and KF_RCU_PROTECTED
// kfuncs. Ids: iter.*, kfunc.rcu-protected.*. Messages are Linux 6.18's, checked on the running
// kernel. The iterator model is src/model/iter/.
import { rule } from '../rule.ts';

export const ITER_RULES = {
  iterArgNotStack: rule('iter.arg.not-on-stack', 'process_iter_arg', 'An iterator kfunc takes a pointer to the iterator on the BPF stack.', (argno: number) => `arg#${argno} expected pointer to an iterator on stack`),
  iterNewInitialized: rule('iter.new.already-initialized', 'process_iter_arg', 'bpf_iter_<type>_new() constructs the iterator in stack slots that hold no live iterator; the offset must be constant and 8-byte aligned.', (type: string, argno: number) => `expected uninitialized iter_${type} as arg #${argno}`),
  iterArgUninit: rule('iter.arg.uninitialized', 'process_iter_arg', 'bpf_iter_<type>_next() and _destroy() take a live iterator of their own type: one that was created by _new and not destroyed or overwritten since.', (type: string, argno: number) => `expected an initialized iter_${type} as arg #${argno}`),
  iterRcuSectionEnded: rule('iter.rcu.section-ended', 'process_iter_arg', 'An iterator created by a KF_RCU_PROTECTED _new inside bpf_rcu_read_lock() may not be used after bpf_rcu_read_unlock().', (fn: string) => `expected an RCU CS when using ${fn}`),
  iterCssTaskProgType: rule('iter.css-task.prog-type', 'check_kfunc_args', 'bpf_iter_css_task_new() may be called only from LSM programs, BPF iterator programs and sleepable programs.', () => 'css_task_iter is only allowed in bpf_lsm, bpf_iter and sleepable progs'),
  // --- the KF_FORBID_SLEEP series (seed 001, v3; not merged): profile forbid-sleep-v3 only ---
  iterReleaseNoRef: rule('iter.release.no-reference', 'check_kfunc_call', '(Proposal, not merged.) An iterator\'s _release kfunc needs an element reference to release: one returned by a KF_ACQUIRE _next and not released since.', () => 'no acquired reference to release'),
  forbidSleepHelper: rule('kfunc.forbid-sleep.sleepable-helper', 'check_helper_call', '(Proposal, not merged.) While a reference from a KF_ACQUIRE | KF_FORBID_SLEEP kfunc is held, no helper that may sleep can be called.', (name: string, id: number) => `sleepable helper ${name}#${id} in nosleep iterator region`),
  kfuncRcuProtected: rule('kfunc.rcu-protected.outside-cs', 'check_kfunc_call', 'A KF_RCU_PROTECTED kfunc may be called only inside an RCU read-side section (always the case in a non-sleepable program).', (fn: string) => `kernel func ${fn} requires RCU critical section protection`),
} as const;
