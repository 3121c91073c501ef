// Reference tracking (Linux 6.18): a KF_ACQUIRE kfunc returns a pointer that carries a new
// reference (`ref_obj_id`, listed in `refs=`); a KF_RELEASE kfunc consumes it and every copy
// of the pointer — registers and spilled slots, in every frame — is invalidated (an unknown
// scalar for a root loader). With KF_RET_NULL the result must be NULL-checked, and the NULL
// branch of the check drops the reference. At the main program's exit no reference may be held.

SEC("syscall") __id("kfunc.ref.acquire-release") __rule("ref.leak.exit", "kfunc.arg.possibly-null")
__description("bpf_task_from_pid returns a referenced, maybe-NULL task; checked and released it is fine")
__success __log_level(2) __msg("R0=ptr_or_null_task_struct(id=2,ref_obj_id=2) refs=2")
acquire_release:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.leak-at-exit") __rule("ref.leak.exit")
__description("a reference still held at the main program's exit is listed, then the exit is refused")
__failure __msg("Unreleased reference id=2 alloc_insn=1") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
leak_at_exit:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.leak-two") __rule("ref.leak.exit")
__description("every unreleased reference gets its own line, in acquisition order")
__failure __msg("Unreleased reference id=2 alloc_insn=1") __msg("Unreleased reference id=4 alloc_insn=4") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
leak_two:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
	call bpf_cpumask_create
	if r0 == 0 goto rel
	r7 = r0
	r0 = 0
	exit
rel:
	r1 = r6
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.null-branch-drops") __rule("ref.leak.exit")
__description("the NULL branch of a check drops the reference: nothing to release there")
__success
null_branch_drops:
	call bpf_cpumask_create
	if r0 != 0 goto have
	r0 = 0
	exit
have:
	r1 = r0
	call bpf_cpumask_release
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.unchecked-use") __rule("kfunc.arg.possibly-null")
__description("a maybe-NULL result cannot be passed on before the check, even to a release kfunc")
__failure __msg("Possibly NULL pointer passed to trusted arg0")
unchecked_use:
	r1 = 1
	call bpf_task_from_pid
	r1 = r0
	call bpf_task_release
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.release-twice") __rule("kfunc.arg.mem-pointee")
__description("after the release every copy is an unknown scalar (root), so a second release is a type error")
__failure __msg("arg#0 pointer type STRUCT task_struct must point to scalar, or struct with scalar")
release_twice:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_task_release
	r1 = r6
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.spilled-copy-invalidated") __rule("core.mem.invalid-type")
__description("a copy spilled to the stack is invalidated too: filled back it is a scalar")
__failure __msg("R1 invalid mem access 'scalar'")
spilled_copy:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	*(u64 *)(r10 - 8) = r0
	r1 = r0
	call bpf_task_release
	r1 = *(u64 *)(r10 - 8)
	r0 = *(u32 *)(r1 + 0)
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.release-spilled-copy") __rule("ref.leak.exit")
__description("any copy can be released: here the one filled back from the stack")
__success
release_spilled_copy:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	*(u64 *)(r10 - 8) = r0
	r1 = *(u64 *)(r10 - 8)
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("tc") __id("kfunc.ref.release-trusted-unreferenced") __rule("ref.release.not-refcounted")
__description("a trusted pointer without a reference (the current task) cannot be released")
__failure __msg("release kernel function bpf_task_release expects refcounted PTR_TO_BTF_ID")
release_unreferenced:
	call bpf_get_current_task_btf
	r1 = r0
	call bpf_task_release
	r0 = 0
	exit

SEC("tc") __id("kfunc.ref.acquire-current-task") __rule("ref.release.not-refcounted", "rcu.arg.not-rcu", "ref.leak.exit")
__description("bpf_task_acquire turns the trusted current task into a reference, which can be released")
__success
acquire_current:
	call bpf_get_current_task_btf
	r1 = r0
	call bpf_task_acquire
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.release-offset") __rule("ref.release.nonzero-offset")
__description("the referenced argument of a release kfunc must point at the object itself")
__failure __msg("R1 must have zero offset when passed to release func or trusted arg to kfunc")
release_offset:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r0 += 8
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.release-offset-restored") __rule("ref.release.nonzero-offset", "ref.leak.exit")
__description("moving the pointer back to offset 0 makes it releasable again")
__success
release_offset_restored:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r0 += 8
	r0 += -8
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.acquire-in-subprog") __rule("ref.leak.exit")
__description("references belong to the whole state: a subprogram may return one for the caller to release")
__success
acquire_in_subprog:
	call get_task
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit
get_task:
	r1 = 1
	call bpf_task_from_pid
	exit

SEC("syscall") __id("kfunc.ref.leak-from-subprog") __rule("ref.leak.exit")
__description("a subprogram's exit is not checked, but the reference it leaves is reported at the main exit")
__failure __msg("Unreleased reference id=2 alloc_insn=4") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
leak_from_subprog:
	call get_task2
	r0 = 0
	exit
get_task2:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto done
	r0 = 1
done:
	exit

SEC("syscall") __id("kfunc.ref.leak-one-path") __rule("ref.leak.exit")
__description("the leak check runs on every path: releasing on one branch only is not enough")
__failure __msg("BPF_EXIT instruction in main prog would lead to reference leak")
leak_one_path:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_prandom_u32
	if r0 > 7 goto out
	r1 = r6
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.cgroup-ancestor") __rule("ref.leak.exit", "rcu.arg.not-rcu")
__description("bpf_cgroup_ancestor takes a referenced cgroup (KF_RCU) and returns a second reference")
__success
cgroup_ancestor:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	r2 = 1
	call bpf_cgroup_ancestor
	if r0 == 0 goto rel
	r1 = r0
	call bpf_cgroup_release
rel:
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.cpumask-lifecycle") __rule("ref.leak.exit", "rcu.arg.not-rcu", "kfunc.arg.type-mismatch")
__description("a bpf_cpumask: created, written and read through KF_RCU kfuncs (a bpf_cpumask is a cpumask), released")
__success
cpumask_lifecycle:
	call bpf_cpumask_create
	if r0 == 0 goto out
	r6 = r0
	r1 = 3
	r2 = r0
	call bpf_cpumask_set_cpu
	r1 = 3
	r2 = r6
	call bpf_cpumask_test_cpu
	r1 = r6
	call bpf_cpumask_weight
	r1 = r6
	call bpf_cpumask_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.cpumask-acquire-twice") __rule("ref.leak.exit", "kfunc.arg.not-trusted")
__description("bpf_cpumask_acquire (KF_TRUSTED_ARGS, no KF_RET_NULL) takes another reference, never NULL; each must be released")
__failure __log_level(2) __msg("R0=ptr_bpf_cpumask(ref_obj_id=3) refs=2,3") __msg("Unreleased reference id=3 alloc_insn=4")
cpumask_acquire_twice:
	call bpf_cpumask_create
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_cpumask_acquire
	r1 = r6
	call bpf_cpumask_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.prune-refs-differ") __rule("ref.leak.exit")
__description("a state holding a reference is never pruned against one that holds none (refsafe): the leak on the second path is found")
__failure __msg("Unreleased reference id=3 alloc_insn=13") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
prune_refs_differ:
	call bpf_get_prandom_u32
	r6 = r0
	if r6 > 7 goto acq
	r7 = 0
	r8 = 0
	r9 = 0
	r1 = 0
	r2 = 0
	r3 = 0
	r4 = 0
	r5 = 0
	goto join
acq:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto join
	r7 = r0
	r8 = 0
	r9 = 0
join:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.prune-both-acquire") __rule("ref.leak.exit")
__description("two paths that each acquire (different ids) meet, and the reference is released once after the join")
__success
prune_both_acquire:
	call bpf_get_prandom_u32
	if r0 > 7 goto other
	r1 = 1
	call bpf_task_from_pid
	goto join
other:
	r1 = 2
	call bpf_task_from_vpid
join:
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.task-get-cgroup1") __rule("rcu.arg.not-rcu", "ref.leak.exit")
__description("bpf_task_get_cgroup1 (KF_ACQUIRE | KF_RCU | KF_RET_NULL) takes the trusted current task and returns a cgroup reference")
__success
task_get_cgroup1:
	call bpf_get_current_task_btf
	r1 = r0
	r2 = 1
	call bpf_task_get_cgroup1
	if r0 == 0 goto out
	r1 = r0
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.cpumask-and-copy") __rule("ref.leak.exit", "kfunc.arg.type-mismatch")
__description("two bpf_cpumasks: bpf_cpumask_and and bpf_cpumask_copy take them as struct cpumask sources; both are released")
__success
cpumask_and_copy:
	call bpf_cpumask_create
	if r0 == 0 goto out
	r6 = r0
	call bpf_cpumask_create
	if r0 == 0 goto rel6
	r7 = r0
	r1 = r6
	r2 = r6
	r3 = r7
	call bpf_cpumask_and
	r1 = r7
	r2 = r6
	call bpf_cpumask_copy
	r1 = r7
	call bpf_cpumask_release
rel6:
	r1 = r6
	call bpf_cpumask_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.ref.acquire-referenced") __rule("rcu.arg.not-rcu", "ref.leak.exit")
__description("acquiring from a referenced task gives a second, independent reference")
__failure __msg("Unreleased reference id=4 alloc_insn=5")
acquire_referenced:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_task_acquire
	r1 = r6
	call bpf_task_release
out:
	r0 = 0
	exit
