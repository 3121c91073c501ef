// kfunc arguments (check_kfunc_args, Linux 6.18). Each parameter of the kfunc's BTF prototype
// is checked against R1-R5: scalars take scalars; pointers to kernel structs take pointers to
// that struct (or to a struct that starts with it); with KF_TRUSTED_ARGS, KF_RCU or KF_RELEASE
// the pointer must not be NULL and must be referenced or trusted (KF_RCU: or RCU-protected);
// other pointers must point to scalars, and a `__sz` parameter after one gives its size.
// 6.18 still has KF_TRUSTED_ARGS: trusted-by-default arrived after 6.19.

SEC("syscall") __id("kfunc.arg.pointer-for-scalar") __rule("kfunc.arg.not-scalar")
__description("bpf_task_from_pid(s32 pid) takes a scalar, not a stack pointer")
__failure __msg("R1 is not a scalar")
pointer_for_scalar:
	r1 = r10
	call bpf_task_from_pid
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.uninit-scalar") __rule("kfunc.arg.not-scalar")
__description("an unwritten argument register is not a scalar either (kfunc arguments are not read-checked first)")
__failure __msg("R1 is not a scalar")
uninit_scalar:
	call bpf_task_from_pid
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.unknown-scalar") __rule("kfunc.arg.not-scalar", "ref.leak.exit")
__description("any scalar will do for a plain integer parameter, known or not")
__success
unknown_scalar:
	call bpf_get_prandom_u32
	r1 = r0
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.null-to-rcu") __rule("kfunc.arg.possibly-null")
__description("KF_RCU kfuncs refuse NULL (arguments are numbered from 0 in this message)")
__failure __msg("Possibly NULL pointer passed to trusted arg0")
null_to_rcu:
	r1 = 0
	call bpf_cpumask_first
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.null-second-arg") __rule("kfunc.arg.possibly-null")
__description("the index is the argument's: the cpumask of bpf_cpumask_set_cpu is arg1")
__failure __msg("Possibly NULL pointer passed to trusted arg1")
null_second_arg:
	r1 = 0
	r2 = 0
	call bpf_cpumask_set_cpu
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.null-to-trusted-args") __rule("kfunc.arg.possibly-null")
__description("KF_TRUSTED_ARGS kfuncs (bpf_send_signal_task) refuse NULL")
__failure __msg("Possibly NULL pointer passed to trusted arg0")
null_to_trusted:
	r1 = 0
	r2 = 0
	r3 = 0
	r4 = 0
	call bpf_send_signal_task
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.arg.null-without-trusted-args") __rule("kfunc.arg.mem-pointee")
__description("css_rstat_updated has no trust flags in 6.18: NULL is not refused as NULL but as a non-kernel pointer")
__failure __msg("arg#0 pointer type STRUCT cgroup_subsys_state must point to scalar, or struct with scalar")
null_without_trusted:
	r1 = 0
	r2 = 0
	call css_rstat_updated
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.untrusted-to-release") __rule("kfunc.arg.not-trusted")
__description("release kfuncs check trust like KF_TRUSTED_ARGS: the untrusted pointer from bpf_get_kmem_cache is refused before its type is looked at")
__failure __msg("R1 must be referenced or trusted")
untrusted_to_release:
	r1 = 0
	call bpf_get_kmem_cache
	r1 = r0
	call bpf_task_release
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.referenced-to-trusted-args") __rule("kfunc.arg.not-trusted", "ref.leak.exit")
__description("a referenced pointer is trusted: bpf_send_signal_task (KF_TRUSTED_ARGS) takes an acquired task")
__success
referenced_to_trusted:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	r2 = 0
	r3 = 0
	r4 = 0
	call bpf_send_signal_task
	r1 = r6
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.untrusted-to-rcu") __rule("rcu.arg.not-rcu")
__description("KF_RCU kfuncs accept RCU pointers besides trusted ones, but not untrusted ones")
__failure __msg("R1 must be a rcu pointer")
untrusted_to_rcu:
	r1 = 0
	call bpf_get_kmem_cache
	r1 = r0
	call bpf_task_acquire
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.arg.untrusted-no-flags") __rule("kfunc.arg.untrusted-pointer")
__description("a kfunc without trust flags still refuses untrusted kernel pointers (the register type is named without its struct)")
__failure __msg("arg#0 is untrusted_ptr_ expected ptr_ or socket")
untrusted_no_flags:
	r1 = 0
	call bpf_get_kmem_cache
	r1 = r0
	r2 = 0
	call css_rstat_updated
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.arg.maybe-null-no-flags") __rule("kfunc.arg.untrusted-pointer")
__description("without trust flags a maybe-NULL pointer is not caught as NULL but as an unsafe pointer type")
__failure __msg("arg#0 is ptr_or_null_ expected ptr_ or socket")
maybe_null_no_flags:
	r1 = 1
	call bpf_cgroup_from_id
	r6 = r0
	r1 = r0
	r2 = 0
	call css_rstat_updated
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("kfunc.arg.cgroup-as-css") __rule("kfunc.arg.untrusted-pointer", "kfunc.arg.type-mismatch", "ref.leak.exit")
__description("a struct cgroup starts with its cgroup_subsys_state, so a cgroup pointer serves as a css pointer")
__success
cgroup_as_css:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	r2 = 0
	call css_rstat_updated
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.task-for-cgroup") __rule("kfunc.arg.type-mismatch")
__description("a task_struct is not a cgroup")
__failure __msg("kernel function bpf_cgroup_acquire args#0 expected pointer to STRUCT cgroup but R1 has a pointer to STRUCT task_struct")
task_for_cgroup:
	call bpf_get_current_task_btf
	r1 = r0
	call bpf_cgroup_acquire
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.offset-pointer") __rule("kfunc.arg.type-mismatch")
__description("a pointer into the task at offset 8 is not a task pointer (no struct member of task_struct starts there)")
__failure __msg("kernel function bpf_task_acquire args#0 expected pointer to STRUCT task_struct but R1 has a pointer to STRUCT task_struct")
offset_pointer:
	call bpf_get_current_task_btf
	r0 += 8
	r1 = r0
	call bpf_task_acquire
	r0 = 0
	exit

SEC("tc") __id("kfunc.arg.socket-for-task") __rule("kfunc.arg.type-mismatch")
__description("socket pointers stand for their kernel structs (here sock_common) and are trusted, so only the type check refuses them")
__failure __msg("kernel function bpf_task_release args#0 expected pointer to STRUCT task_struct but R1 has a pointer to STRUCT sock_common")
socket_for_task:
	r1 = *(u64 *)(r1 + 168)
	if r1 == 0 goto out
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.task-and-cgroup") __rule("kfunc.arg.type-mismatch", "rcu.arg.not-rcu", "ref.leak.exit")
__description("bpf_task_under_cgroup (KF_RCU) takes a trusted task and a referenced cgroup")
__success
task_and_cgroup:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_current_task_btf
	r1 = r0
	r2 = r6
	call bpf_task_under_cgroup
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.stack-for-task") __rule("kfunc.arg.mem-pointee")
__description("a stack pointer is not a kernel object, and task_struct is not made of scalars")
__failure __msg("arg#0 pointer type STRUCT task_struct must point to scalar, or struct with scalar")
stack_for_task:
	r1 = r10
	r1 += -8
	call bpf_task_acquire
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.stack-cpumask") __rule("kfunc.arg.mem-pointee")
__description("struct cpumask is an array of longs, so a stack buffer of its size may stand for one")
__success
stack_cpumask:
	r1 = 0
	*(u64 *)(r10 - 8) = r1
	*(u64 *)(r10 - 16) = r1
	*(u64 *)(r10 - 24) = r1
	*(u64 *)(r10 - 32) = r1
	r1 = r10
	r1 += -32
	call bpf_cpumask_first
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.stack-cpumask-short") __rule("core.stack.out-of-bounds")
__description("the stack buffer must hold the whole struct cpumask (32 bytes here)")
__failure __msg("invalid read from stack R1 off=-16 size=32")
stack_cpumask_short:
	r1 = r10
	r1 += -16
	call bpf_cpumask_first
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.mem-size-fits") __rule("kfunc.arg.mem-size", "kfunc.sleepable.non-sleepable-prog")
__description("dst and dst__sz of bpf_copy_from_user_str describe 8 bytes of stack")
__success
mem_size_fits:
	r1 = r10
	r1 += -8
	r2 = 8
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.mem-size-too-big") __rule("kfunc.arg.mem-size")
__description("a size beyond the buffer: the access error is followed by the pair's own line")
__failure __msg("invalid read from stack R1 off=-8 size=16") __msg("arg#0 arg#1 memory, len pair leads to invalid memory access")
mem_size_too_big:
	r1 = r10
	r1 += -8
	r2 = 16
	r3 = 0
	r4 = 0
	call bpf_copy_from_user_str
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.mem-size-populate") __rule("kfunc.arg.mem-size", "rcu.arg.not-rcu", "ref.leak.exit")
__description("bpf_cpumask_populate(cpumask, src, src__sz): the pair is arg#1/arg#2")
__failure __msg("arg#1 arg#2 memory, len pair leads to invalid memory access")
mem_size_populate:
	call bpf_cpumask_create
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	r2 = r10
	r2 += -8
	r3 = 64
	call bpf_cpumask_populate
	r1 = r6
	call bpf_cpumask_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.rdonly-cast-unknown-id") __rule("kfunc.arg.not-constant")
__description("the BTF id of bpf_rdonly_cast (btf_id__k) must be a constant the verifier knows")
__failure __msg("R2 must be a known constant")
rdonly_cast_unknown:
	call bpf_get_prandom_u32
	r2 = r0
	r1 = 0
	call bpf_rdonly_cast
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.rdonly-cast-void") __rule("kfunc.arg.not-constant")
__description("BTF id 0 (void) casts to read-only, untrusted memory of size 0; obj__ign is not checked at all")
__success __log_level(2) __msg("R0=rdonly_untrusted_mem(sz=0)")
rdonly_cast_void:
	r1 = r10
	r2 = 0
	call bpf_rdonly_cast
	r0 = 0
	exit

SEC("tc") __id("kfunc.arg.cast-to-kern-ctx") __rule("kfunc.arg.not-ctx")
__description("bpf_cast_to_kern_ctx turns the __sk_buff context into a trusted pointer to the kernel's sk_buff")
__success __log_level(2) __msg("R0=trusted_ptr_sk_buff()")
cast_to_kern_ctx:
	call bpf_cast_to_kern_ctx
	r0 = 0
	exit

SEC("xdp") __id("kfunc.arg.cast-to-kern-ctx-xdp") __rule("kfunc.arg.not-ctx")
__description("for XDP programs the kernel struct behind xdp_md is xdp_buff")
__success __log_level(2) __msg("R0=trusted_ptr_xdp_buff()")
cast_to_kern_ctx_xdp:
	call bpf_cast_to_kern_ctx
	r0 = 2
	exit

SEC("tc") __id("kfunc.arg.cast-stack-pointer") __rule("kfunc.arg.not-ctx")
__description("its argument must be the context itself")
__failure __msg("arg#0 expected pointer to ctx, but got fp")
cast_stack_pointer:
	r1 = r10
	r1 += -8
	call bpf_cast_to_kern_ctx
	r0 = 0
	exit

SEC("tc") __id("kfunc.arg.cast-modified-ctx") __rule("core.ctx.modified-pointer")
__description("and unmodified: a context pointer with an offset is refused before its type is looked at")
__failure __msg("dereference of modified ctx ptr R1 off=8 disallowed")
cast_modified_ctx:
	r1 += 8
	call bpf_cast_to_kern_ctx
	r0 = 0
	exit

SEC("syscall") __id("kfunc.arg.scalar-for-cpumask") __rule("core.helper.arg-type")
__description("struct bpf_cpumask holds only scalars, so its argument is checked as memory: a scalar is no memory (found by bpfspec fuzz --seed 201)")
__failure __msg("R1 type=scalar expected=fp")
scalar_for_cpumask:
	r1 = 1
	call bpf_cpumask_release
	r0 = 0
	exit
