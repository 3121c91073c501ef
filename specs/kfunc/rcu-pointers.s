// RCU pointers and kfuncs (Linux 6.18). Loading a whitelisted RCU field of a trusted object
// (task->real_parent, task->cpus_ptr, ...) inside an RCU read-side section gives an RCU pointer
// (`rcu_ptr_`): KF_RCU kfuncs take it, KF_TRUSTED_ARGS and release kfuncs do not. Outside a
// section (sleepable programs only: others are always inside one) the same load gives an
// untrusted pointer, and bpf_rcu_read_unlock() turns every RCU pointer still held, in registers
// and on the stack, into an untrusted one.

SEC("syscall") __id("kfunc.rcu-ptr.acquire-inside") __rule("rcu.arg.not-rcu", "ref.leak.exit", "rcu.exit.locked")
__description("inside a section task->real_parent is an RCU pointer, which KF_RCU bpf_task_acquire upgrades to a reference")
__success __log_level(2) __msg("R1=rcu_ptr_task_struct()")
acquire_inside:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r1 = *(u64 *)(r6 + 1280)
	call bpf_task_acquire
	if r0 == 0 goto unlock
	r1 = r0
	call bpf_task_release
unlock:
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.acquire-inside-released") __rule("rcu.arg.not-rcu", "ref.leak.exit")
__description("the reference taken inside the section outlives it and is released after the unlock")
__success
acquire_inside_released:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r1 = *(u64 *)(r6 + 1280)
	call bpf_task_acquire
	r7 = r0
	call bpf_rcu_read_unlock
	if r7 == 0 goto out
	r1 = r7
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.outside-section") __rule("rcu.arg.not-rcu")
__description("a sleepable program outside a section walks to an untrusted pointer, which KF_RCU kfuncs refuse")
__failure __msg("R1 must be a rcu pointer")
outside_section:
	call bpf_get_current_task_btf
	r1 = *(u64 *)(r0 + 1280)
	call bpf_task_acquire
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.after-unlock") __rule("rcu.arg.not-rcu")
__description("bpf_rcu_read_unlock() makes the RCU pointer kept in R6 untrusted")
__failure __msg("R1 must be a rcu pointer")
after_unlock:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r7 = *(u64 *)(r6 + 1280)
	call bpf_rcu_read_unlock
	r1 = r7
	call bpf_task_acquire
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.after-unlock-state") __rule("rcu.arg.not-rcu")
__description("the register itself shows the change: rcu_ptr_ before the unlock, untrusted_ptr_ after")
__success __log_level(2) __msg("R7=rcu_ptr_task_struct()") __msg("R7=untrusted_ptr_task_struct()")
after_unlock_state:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r7 = *(u64 *)(r6 + 1280)
	call bpf_rcu_read_unlock
	r1 = r7
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.spilled-after-unlock") __rule("rcu.arg.not-rcu")
__description("RCU pointers spilled to the stack are made untrusted at the unlock as well")
__failure __msg("R1 must be a rcu pointer")
spilled_after_unlock:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r1 = *(u64 *)(r6 + 1280)
	*(u64 *)(r10 - 8) = r1
	call bpf_rcu_read_unlock
	r1 = *(u64 *)(r10 - 8)
	call bpf_task_acquire
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.to-trusted-args") __rule("kfunc.arg.not-trusted")
__description("an RCU pointer is not trusted: KF_TRUSTED_ARGS bpf_send_signal_task refuses it even inside the section")
__failure __msg("R1 must be referenced or trusted")
rcu_to_trusted_args:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r1 = *(u64 *)(r6 + 1280)
	r2 = 0
	r3 = 0
	r4 = 0
	call bpf_send_signal_task
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.to-release") __rule("kfunc.arg.not-trusted")
__description("release kfuncs demand trust too: an RCU pointer is refused before the missing reference is noticed")
__failure __msg("R1 must be referenced or trusted")
rcu_to_release:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r1 = *(u64 *)(r6 + 1280)
	call bpf_task_release
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.cpus-ptr") __rule("rcu.arg.not-rcu", "kfunc.arg.type-mismatch")
__description("task->cpus_ptr is an RCU cpumask inside the section: KF_RCU cpumask readers take it")
__success
cpus_ptr:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r1 = *(u64 *)(r6 + 800)
	call bpf_cpumask_weight
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("kfunc.rcu-ptr.cpus-ptr-outside") __rule("rcu.arg.not-rcu")
__description("the same cpumask read outside the section is untrusted")
__failure __msg("R1 must be a rcu pointer")
cpus_ptr_outside:
	call bpf_get_current_task_btf
	r1 = *(u64 *)(r0 + 800)
	call bpf_cpumask_weight
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.rcu-ptr.non-sleepable-walk") __rule("rcu.arg.not-rcu", "ref.leak.exit")
__description("a non-sleepable program is always in an RCU section: the walk gives an RCU pointer without bpf_rcu_read_lock")
__success
non_sleepable_walk:
	call bpf_get_current_task_btf
	r1 = *(u64 *)(r0 + 1280)
	call bpf_task_acquire
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.rcu-ptr.legacy-to-rcu") __rule("rcu.arg.not-rcu")
__description("task->last_wakee is not on an RCU list: the walk gives a flag-less pointer, neither trusted nor RCU")
__failure __msg("R1 must be a rcu pointer")
legacy_to_rcu:
	call bpf_get_current_task_btf
	r1 = *(u64 *)(r0 + 88)
	call bpf_task_acquire
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.rcu-ptr.under-cgroup-rcu-task") __rule("rcu.arg.not-rcu", "ref.leak.exit")
__description("bpf_task_under_cgroup (KF_RCU) takes an RCU task and a referenced cgroup")
__success
under_cgroup_rcu_task:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_current_task_btf
	r1 = *(u64 *)(r0 + 1280)
	r2 = r6
	call bpf_task_under_cgroup
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit
