// RCU read-side sections and sleepable kfuncs (check_kfunc_call, Linux 6.18).
// bpf_rcu_read_lock()/bpf_rcu_read_unlock() open and close a section; 6.18 tracks it as a
// boolean, so sections do not nest (a counter came later). A KF_SLEEPABLE kfunc needs a
// sleepable program (syscall programs are) and may not run inside a section; the main
// program may not exit inside one.

SEC("syscall") __id("kfunc.rcu.lock-unlock") __rule("rcu.lock.nested", "rcu.unlock.unmatched", "rcu.exit.locked")
__description("a balanced section")
__success
lock_unlock:
	call bpf_rcu_read_lock
	call bpf_get_current_task_btf
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.nested") __rule("rcu.lock.nested")
__description("Linux 6.18 refuses a second bpf_rcu_read_lock() inside a section")
__failure __msg("nested rcu read lock (kernel function bpf_rcu_read_lock)")
nested:
	call bpf_rcu_read_lock
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.two-sections") __rule("rcu.lock.nested", "rcu.unlock.unmatched")
__description("one section after another is fine")
__success
two_sections:
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.unmatched-unlock") __rule("rcu.unlock.unmatched")
__description("unlock without a section")
__failure __msg("unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)")
unmatched_unlock:
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.double-unlock") __rule("rcu.unlock.unmatched")
__description("the second unlock of a section has nothing left to close")
__failure __msg("unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)")
double_unlock:
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.exit-locked") __rule("rcu.exit.locked")
__description("the main program may not exit inside a section")
__failure __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region")
exit_locked:
	call bpf_rcu_read_lock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.exit-locked-one-path") __rule("rcu.exit.locked")
__description("the section must be closed on every path")
__failure __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region")
exit_locked_one_path:
	call bpf_rcu_read_lock
	call bpf_get_prandom_u32
	if r0 > 7 goto out
	call bpf_rcu_read_unlock
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.unlock-in-subprog") __rule("rcu.exit.locked", "rcu.unlock.unmatched")
__description("the section belongs to the state, not the frame: a subprogram may close it")
__success
unlock_in_subprog:
	call bpf_rcu_read_lock
	call do_unlock
	r0 = 0
	exit
do_unlock:
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.leak-before-lock") __rule("ref.leak.exit")
__description("a held reference is reported before an open section")
__failure __msg("BPF_EXIT instruction in main prog would lead to reference leak")
leak_before_lock:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
	call bpf_rcu_read_lock
	r0 = 0
	exit
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu.acquire-in-section") __rule("rcu.exit.locked", "ref.leak.exit")
__description("acquiring and releasing inside a section is fine")
__success
acquire_in_section:
	call bpf_rcu_read_lock
	call bpf_get_current_task_btf
	r1 = r0
	call bpf_task_acquire
	if r0 == 0 goto unlock
	r1 = r0
	call bpf_task_release
unlock:
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("socket") __id("kfunc.sleepable.socket") __rule("kfunc.sleepable.non-sleepable-prog")
__description("bpf_copy_from_user_str is KF_SLEEPABLE; socket filters never sleep")
__failure __msg("program must be sleepable to call sleepable kfunc bpf_copy_from_user_str")
sleepable_socket:
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.sleepable.tp-btf-rstat-flush") __rule("kfunc.sleepable.non-sleepable-prog")
__description("css_rstat_flush sleeps; tp_btf programs cannot, and the check comes before the arguments")
__failure __msg("program must be sleepable to call sleepable kfunc css_rstat_flush")
sleepable_tp_btf:
	r1 = 0
	call css_rstat_flush
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable.in-section") __rule("rcu.sleepable-in-cs")
__description("a sleepable kfunc inside an RCU section")
__failure __msg("kernel func bpf_copy_from_user_str is sleepable within rcu_read_lock region")
sleepable_in_section:
	call bpf_rcu_read_lock
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable.after-section") __rule("rcu.sleepable-in-cs", "kfunc.sleepable.non-sleepable-prog")
__description("after the section is closed the program may sleep again")
__success
sleepable_after_section:
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable.args-checked-first") __rule("kfunc.arg.mem-size")
__description("inside a section the arguments are still checked before the sleepable-in-section rule")
__failure __msg("arg#0 arg#1 memory, len pair leads to invalid memory access")
args_checked_first:
	call bpf_rcu_read_lock
	r1 = r10
	r1 += -8
	r2 = 16
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.rcu.non-sleepable-prog") __rule("rcu.lock.nested", "rcu.unlock.unmatched")
__description("non-sleepable programs always run under RCU, but the kfuncs are still accepted and paired")
__success
non_sleepable_section:
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.rcu.non-sleepable-unmatched") __rule("rcu.unlock.unmatched")
__description("pairing is checked in non-sleepable programs too")
__failure __msg("unmatched rcu read unlock (kernel function bpf_rcu_read_unlock)")
non_sleepable_unmatched:
	call bpf_rcu_read_unlock
	r0 = 0
	exit
