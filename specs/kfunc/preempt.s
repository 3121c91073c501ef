// Non-preemptible regions (Linux 6.18): bpf_preempt_disable()/bpf_preempt_enable() are common
// kfuncs that nest (the verifier counts them). Sleepable kfuncs may not run inside a region,
// and the main program may not exit inside one.

SEC("syscall") __id("kfunc.preempt.nested") __rule("kfunc.preempt.unmatched-enable", "kfunc.preempt.exit-disabled")
__description("regions nest: two disables, two enables")
__success
preempt_nested:
	call bpf_preempt_disable
	call bpf_preempt_disable
	call bpf_preempt_enable
	call bpf_preempt_enable
	r0 = 0
	exit

SEC("syscall") __id("kfunc.preempt.unmatched") __rule("kfunc.preempt.unmatched-enable")
__description("an enable without a disable")
__failure __msg("unmatched attempt to enable preemption (kernel function bpf_preempt_enable)")
preempt_unmatched:
	call bpf_preempt_enable
	r0 = 0
	exit

SEC("syscall") __id("kfunc.preempt.one-too-many") __rule("kfunc.preempt.unmatched-enable")
__description("the count must not go below zero")
__failure __msg("unmatched attempt to enable preemption (kernel function bpf_preempt_enable)")
preempt_one_too_many:
	call bpf_preempt_disable
	call bpf_preempt_enable
	call bpf_preempt_enable
	r0 = 0
	exit

SEC("syscall") __id("kfunc.preempt.exit-disabled") __rule("kfunc.preempt.exit-disabled")
__description("exiting with preemption disabled")
__failure __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_preempt_disable-ed region")
preempt_exit_disabled:
	call bpf_preempt_disable
	call bpf_preempt_disable
	call bpf_preempt_enable
	r0 = 0
	exit

SEC("syscall") __id("kfunc.preempt.rcu-reported-first") __rule("rcu.exit.locked")
__description("an open RCU section is reported before disabled preemption")
__failure __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_rcu_read_lock-ed region")
preempt_rcu_first:
	call bpf_preempt_disable
	call bpf_rcu_read_lock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.preempt.sleepable-inside") __rule("kfunc.preempt.sleepable-in-region")
__description("a sleepable kfunc with preemption disabled")
__failure __msg("kernel func bpf_copy_from_user_str is sleepable within non-preemptible region")
preempt_sleepable_inside:
	call bpf_preempt_disable
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	call bpf_preempt_enable
	r0 = 0
	exit

SEC("syscall") __id("kfunc.preempt.sleepable-after") __rule("kfunc.preempt.sleepable-in-region")
__description("after the region the program may sleep again")
__success
preempt_sleepable_after:
	call bpf_preempt_disable
	call bpf_preempt_enable
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	r0 = 0
	exit

SEC("tc") __id("kfunc.preempt.tc-acquire-inside") __rule("kfunc.preempt.exit-disabled", "ref.leak.exit")
__description("non-sleepable kfuncs are fine inside the region")
__success
preempt_acquire_inside:
	call bpf_preempt_disable
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto enable
	r1 = r0
	call bpf_task_release
enable:
	call bpf_preempt_enable
	r0 = 0
	exit
