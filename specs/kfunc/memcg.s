// The memcg kfunc pair (mm/bpf_memcontrol.c) landed after Linux 6.18: bpf_get_mem_cgroup
// (KF_ACQUIRE | KF_RET_NULL | KF_RCU) takes a css and returns a referenced mem_cgroup,
// bpf_put_mem_cgroup (KF_RELEASE) drops it. Only struct_ops programs may call them.
// PENDING: rename to memcg.s once src/spec/resolve.ts resolves kfuncs of src/catalog/kfuncs.ts
// that are not in the kernel BTF (kfuncNotInKernel(name) → a placeholder btfId).

SEC("struct_ops/memcg_ops") __id("kfunc.memcg.get-put") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit", "kfunc.arg.type-mismatch")
__model_only("bpf_get_mem_cgroup is not in Linux 6.18")
__description("a cgroup starts with its css, so a referenced cgroup can be passed; the memcg reference is put back")
__success
memcg_get_put:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_get_mem_cgroup
	if r0 == 0 goto rel
	r1 = r0
	call bpf_put_mem_cgroup
rel:
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("struct_ops/memcg_ops") __id("kfunc.memcg.leak") __rule("ref.leak.exit")
__model_only("bpf_get_mem_cgroup is not in Linux 6.18")
__description("the mem_cgroup reference must be put back before the program returns")
__failure __msg("Unreleased reference id=4 alloc_insn=5") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
memcg_leak:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_get_mem_cgroup
	r7 = r0
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("struct_ops/memcg_ops") __id("kfunc.memcg.null-css") __rule("kfunc.arg.possibly-null")
__model_only("bpf_get_mem_cgroup is not in Linux 6.18")
__description("KF_RCU: the css argument must not be NULL")
__failure __msg("Possibly NULL pointer passed to trusted arg0")
memcg_null_css:
	r1 = 0
	call bpf_get_mem_cgroup
	r0 = 0
	exit

SEC("syscall") __id("kfunc.memcg.syscall-not-allowed") __rule("kfunc.prog-type.not-allowed")
__model_only("bpf_get_mem_cgroup is not in Linux 6.18")
__description("the memcg kfuncs are registered for struct_ops programs only")
__failure __msg("calling kernel function bpf_get_mem_cgroup is not allowed")
memcg_syscall:
	r1 = 0
	call bpf_get_mem_cgroup
	r0 = 0
	exit

SEC("struct_ops/memcg_ops") __id("kfunc.memcg.put-task") __rule("kfunc.arg.type-mismatch")
__model_only("bpf_get_mem_cgroup is not in Linux 6.18")
__description("the release argument must be exactly a mem_cgroup")
__failure __msg("kernel function bpf_put_mem_cgroup args#0 expected pointer to STRUCT mem_cgroup but R1 has a pointer to STRUCT cgroup")
memcg_put_cgroup:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r1 = r0
	call bpf_put_mem_cgroup
out:
	r0 = 0
	exit
