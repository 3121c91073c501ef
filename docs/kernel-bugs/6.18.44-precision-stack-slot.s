// Linux 6.18.44 (this machine) rejects this program with an internal error, not a verdict:
//   verifier bug: stack slot 3, total slots 0 (i >= func->allocated_stack / BPF_REG_SIZE)
// The precision backtracking of the spilled R7 source (fp-32) reaches a parent state whose
// frame has no stack allocated yet. Found by `bpfspec fuzz --kernel --seed 201 --index 15728
// --features kfuncs,rcu,branches,stack,alu,invalid --max-statements 20`, shrunk by hand-run
// delta debugging against the kernel alone. The model accepts the program (it does not model
// kernel bugs); docs/fuzzing.md lists it. Not collected by `bpfspec check` (docs/ is not scanned).
struct val { long a; long b; };

SEC("syscall")
p:
	r1 = 1
	call bpf_task_from_pid
	r9 = r0
	if r9 == 0 goto l0
	*(u64 *)(r10 - 32) = r0
	r1 = r0
	call bpf_task_release
l0:
	call bpf_cpumask_create
	r7 = r0
	if r0 == 0 goto l2
	r1 = 2
	call bpf_task_from_pid
	r8 = r0
	if r8 == 0 goto l3
	r1 = r8
	call bpf_task_release
l3:
	r1 = r7
	call bpf_cpumask_release
l2:
	call bpf_cpumask_create
	r9 = r0
	if r0 == 0 goto l4
	call bpf_rcu_read_lock
	r1 = 0
	call bpf_cgroup_from_id
	r6 = r0
	if r0 == 0 goto l5
	r1 = r6
	call bpf_cgroup_release
l5:
	r6 = *(s32 *)(r10 - 64)
	call bpf_rcu_read_unlock
	r1 = r9
	call bpf_cpumask_release
l4:
	call bpf_rcu_read_lock
	r7 = *(u64 *)(r10 - 32)
	r1 = 2
	call bpf_cgroup_from_id
	r8 = r0
	if r8 == 0 goto l8
	if r7 s>= -2 goto l9
l9:
	r1 = r8
	call bpf_cgroup_release
l8:
	call bpf_rcu_read_unlock
	if r7 s< 3 goto l10
l10:
	r0 = 0
	exit
