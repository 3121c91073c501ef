// Helpers that may sleep (fn->might_sleep, e.g. bpf_copy_from_user): only in sleepable programs,
// and not inside an RCU read-side section or a non-preemptible region. The checks come before
// the helper's arguments are looked at.

SEC("syscall") __id("kfunc.sleepable-helper.syscall") __rule("core.helper.might-sleep", "rcu.sleepable-helper-in-cs", "kfunc.preempt.sleepable-helper")
__description("syscall programs are sleepable: copying from a (NULL) user pointer is allowed, the helper reports the fault at run time")
__success
syscall_copy:
	r1 = r10
	r1 += -16
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	r0 = 0
	exit

SEC("tp_btf/task_newtask") __id("kfunc.sleepable-helper.tp-btf") __rule("core.helper.might-sleep")
__failure __msg("helper call might sleep in a non-sleepable prog")
tp_btf_copy:
	r1 = r10
	r1 += -16
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable-helper.in-rcu") __rule("rcu.sleepable-helper-in-cs")
__failure __msg("sleepable helper bpf_copy_from_user#148 in rcu_read_lock region")
in_rcu:
	call bpf_rcu_read_lock
	r1 = r10
	r1 += -16
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable-helper.after-rcu") __rule("rcu.sleepable-helper-in-cs")
__success
after_rcu:
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	r1 = r10
	r1 += -16
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable-helper.preempt-disabled") __rule("kfunc.preempt.sleepable-helper")
__failure __msg("sleepable helper bpf_copy_from_user#148 in non-preemptible region")
preempt_disabled:
	call bpf_preempt_disable
	r1 = r10
	r1 += -16
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	call bpf_preempt_enable
	r0 = 0
	exit

SEC("syscall") __id("kfunc.sleepable-helper.buffer-read-back") __rule("core.helper.might-sleep")
__description("the helper writes the whole buffer, so reading it back afterwards is fine")
__success
buffer_read_back:
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	call bpf_copy_from_user
	r0 = *(u64 *)(r10 - 8)
	r0 = 0
	exit
