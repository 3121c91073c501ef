// Trust classes of pointers walked from kernel structs (check_ptr_to_btf_access, Linux 6.18).
// The verifier's whitelists are read from this kernel's BTF (<struct>__safe_<kind> types):
//   BTF_TYPE_SAFE_RCU         task_struct: cpus_ptr, cgroups, real_parent, group_leader;
//                             css_set: dfl_cgrp; cgroup: kn; cgroup_subsys_state: cgroup
//   BTF_TYPE_SAFE_RCU_OR_NULL mm_struct: exe_file; sk_buff: sk; request_sock: sk
//   BTF_TYPE_SAFE_TRUSTED     linux_binprm: file; file: f_inode; bpf_iter_meta, bpf_iter__task
//   BTF_TYPE_SAFE_TRUSTED_OR_NULL  dentry: d_inode; socket: sk
// This kernel is built with GCC: its BTF has no __rcu type tags, so __rcu fields outside the
// lists (task->parent) walk to plain ptr_, not rcu_ptr_or_null_ as on a clang-built kernel.
// Offsets: task_struct.real_parent 1280, .parent 1288, .mm 1136, .cgroups 2376, .tasks 1056,
// .stack 32; css_set.dfl_cgrp 112; cgroup.kn 256, .level 216; sk_buff.sk 24;
// linux_binprm.file 64; file.f_inode 32; inode.i_ino 64.

SEC("tp_btf/sched_switch") __id("btf.trust.real-parent-rcu") __rule("btf.trust.rcu-fields", "btf.trust.tp-btf-args")
__description("task->real_parent is in the RCU list: a non-sleepable program gets an RCU pointer, and so on up the chain")
__success __log_level(2)
__msg("R3=rcu_ptr_task_struct()")
__msg("R4=rcu_ptr_task_struct()")
real_parent_rcu:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1280)	// prev->real_parent
	r4 = *(u64 *)(r3 + 1280)	// prev->real_parent->real_parent
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.rcu-write") __rule("btf.trust.rcu-fields", "btf.ptr.only-read")
__description("an RCU pointer is readable, not writable")
__failure __msg("only read is supported")
rcu_write:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1280)
	r4 = 0
	*(u32 *)(r3 + 1264) = r4
	r0 = 0
	exit

SEC("tp_btf/cgroup_attach_task") __id("btf.trust.cgroup-chain") __rule("btf.trust.rcu-fields")
__description("task->cgroups->dfl_cgrp->kn: every hop is RCU-listed")
__success __log_level(2)
__msg("R3=rcu_ptr_css_set()")
__msg("R4=rcu_ptr_cgroup()")
__msg("R5=rcu_ptr_kernfs_node()")
cgroup_chain:
	r2 = *(u64 *)(r1 + 16)		// struct task_struct *task
	r3 = *(u64 *)(r2 + 2376)	// task->cgroups
	r4 = *(u64 *)(r3 + 112)		// cgroups->dfl_cgrp
	r5 = *(u64 *)(r4 + 256)		// dfl_cgrp->kn
	r0 = *(u32 *)(r4 + 216)		// dfl_cgrp->level
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.mm-legacy") __rule("btf.trust.legacy-walk")
__description("task->mm is in no list: the result is the flag-less legacy pointer, still readable")
__success __log_level(2)
__msg("R3=ptr_mm_struct()")
mm_legacy:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1136)	// prev->mm
	r0 = *(u64 *)(r3 + 1480)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.parent-gcc") __rule("btf.trust.legacy-walk")
__description("task->parent is __rcu in the sources, but a GCC-built kernel's BTF has no type tags: it walks like any unlisted field")
__success __log_level(2)
__msg("R3=ptr_task_struct()")
__not_msg("rcu_ptr_or_null_task_struct")
parent_gcc:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1288)	// prev->parent
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.legacy-chain") __rule("btf.trust.legacy-walk")
__description("walking from a legacy pointer stays legacy, even through an RCU-listed field")
__success __log_level(2)
__msg("R4=ptr_task_struct()")
legacy_chain:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1288)	// prev->parent: ptr_
	r4 = *(u64 *)(r3 + 1280)	// ->real_parent
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.nested-field") __rule("btf.trust.legacy-walk")
__description("a pointer inside an embedded struct: prev->tasks.next is found by descending into struct list_head")
__success __log_level(2)
__msg("R3=ptr_list_head()")
nested_field:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1056)	// prev->tasks.next
	r4 = *(u64 *)(r3 + 0)
	r0 = 0
	exit

SEC("syscall") __id("btf.trust.sleepable-untrusted") __rule("btf.trust.untrusted-outside-rcu")
__description("a sleepable program outside bpf_rcu_read_lock(): even RCU-listed fields walk to untrusted pointers")
__success __log_level(2)
__msg("R2=untrusted_ptr_task_struct()")
__msg("R3=untrusted_ptr_css_set()")
sleepable_untrusted:
	call bpf_get_current_task_btf
	r2 = *(u64 *)(r0 + 1280)	// current->real_parent
	r3 = *(u64 *)(r0 + 2376)	// current->cgroups
	r0 = *(u32 *)(r2 + 1264)	// untrusted pointers can still be read
	r0 = 0
	exit

SEC("syscall") __id("btf.trust.sleepable-write") __rule("btf.trust.untrusted-outside-rcu", "btf.ptr.only-read")
__failure __msg("only read is supported")
sleepable_write:
	call bpf_get_current_task_btf
	r2 = *(u64 *)(r0 + 1280)
	r3 = 0
	*(u32 *)(r2 + 1264) = r3
	r0 = 0
	exit

SEC("syscall") __id("btf.trust.rcu-section") __rule("btf.trust.rcu-fields", "btf.trust.untrusted-outside-rcu")
__description("inside bpf_rcu_read_lock() a sleepable program walks RCU-listed fields to RCU pointers")
__success __log_level(2)
__msg("R2=rcu_ptr_task_struct()")
__msg("R3=ptr_mm_struct()")
rcu_section:
	call bpf_get_current_task_btf
	r6 = r0
	call bpf_rcu_read_lock
	r2 = *(u64 *)(r6 + 1280)
	r3 = *(u64 *)(r6 + 1136)
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("btf.trust.untrusted-chain") __rule("btf.trust.untrusted-inherits")
__description("everything walked from an untrusted pointer is untrusted")
__success __log_level(2)
__msg("R3=untrusted_ptr_css_set()")
__msg("R4=untrusted_ptr_cgroup()")
untrusted_chain:
	call bpf_get_current_task_btf
	r2 = *(u64 *)(r0 + 1280)	// untrusted (sleepable, no RCU section)
	r3 = *(u64 *)(r2 + 2376)
	r4 = *(u64 *)(r3 + 112)
	r0 = 0
	exit

SEC("syscall") __id("btf.trust.untrusted-write") __rule("btf.trust.untrusted-inherits", "btf.ptr.only-read")
__failure __msg("only read is supported")
untrusted_write:
	call bpf_get_current_task_btf
	r2 = *(u64 *)(r0 + 1280)
	r3 = *(u64 *)(r2 + 2376)
	*(u32 *)(r3 + 0) = 0
	r0 = 0
	exit

SEC("tp_btf/kfree_skb") __id("btf.trust.union-untrusted") __rule("btf.trust.untrusted-inherits")
__description("skb->next sits in a union with several members: pointers read through it are untrusted")
__success __log_level(2)
__msg("R3=untrusted_ptr_sk_buff()")
union_untrusted:
	r2 = *(u64 *)(r1 + 0)		// struct sk_buff *skb
	r3 = *(u64 *)(r2 + 0)		// skb->next
	r0 = 0
	exit

SEC("tp_btf/sched_process_exec") __id("btf.trust.bprm-file-inode") __rule("btf.trust.trusted-fields")
__description("bprm->file and file->f_inode are in the TRUSTED list: trust is kept all the way")
__success __log_level(2)
__msg("R3=trusted_ptr_file()")
__msg("R4=trusted_ptr_inode()")
bprm_file_inode:
	r2 = *(u64 *)(r1 + 16)		// struct linux_binprm *bprm
	r3 = *(u64 *)(r2 + 64)		// bprm->file
	r4 = *(u64 *)(r3 + 32)		// file->f_inode
	r0 = *(u64 *)(r4 + 64)		// inode->i_ino
	r0 = 0
	exit

SEC("tp_btf/sched_process_exec") __id("btf.trust.trusted-write") __rule("btf.trust.trusted-fields", "btf.ptr.only-read")
__failure __msg("only read is supported")
trusted_write:
	r2 = *(u64 *)(r1 + 16)
	r3 = *(u64 *)(r2 + 64)
	*(u32 *)(r3 + 40) = 0		// file->f_flags
	r0 = 0
	exit

SEC("tp_btf/kfree_skb") __id("btf.trust.skb-sk-checked") __rule("btf.trust.rcu-or-null-fields", "btf.ptr.maybe-null")
__description("skb->sk is RCU_OR_NULL: after a NULL check it is an RCU pointer")
__success __log_level(2)
__msg("R3=rcu_ptr_or_null_sock(id=1)")
__msg("R3=rcu_ptr_sock()")
skb_sk_checked:
	r2 = *(u64 *)(r1 + 0)
	r3 = *(u64 *)(r2 + 24)		// skb->sk
	if r3 == 0 goto out
	r0 = *(u64 *)(r3 + 0)
out:
	r0 = 0
	exit

SEC("tp_btf/kfree_skb") __id("btf.trust.skb-sk-unchecked") __rule("btf.trust.rcu-or-null-fields", "btf.ptr.maybe-null")
__failure __msg("R3 invalid mem access 'rcu_ptr_or_null_'")
skb_sk_unchecked:
	r2 = *(u64 *)(r1 + 0)
	r3 = *(u64 *)(r2 + 24)
	r0 = *(u64 *)(r3 + 0)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.void-field") __rule("btf.walk.non-struct-pointer")
__description("task->stack is void *: it loads read-only untrusted memory, readable at any offset")
__success __log_level(2)
__msg("R3=rdonly_untrusted_mem(sz=0)")
void_field:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 32)		// prev->stack
	r0 = *(u64 *)(r3 + 4000)
	r0 = *(u32 *)(r3 - 8)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.void-field-write") __rule("btf.walk.non-struct-pointer")
__failure __msg("R3 cannot write into rdonly_untrusted_mem")
void_field_write:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 32)
	r4 = 0
	*(u8 *)(r3 + 0) = r4
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.cpus-ptr") __rule("btf.trust.rcu-fields")
__description("task->cpus_ptr (const cpumask_t *) and task->group_leader are RCU-listed too: the pointers cpumask kfuncs take")
__success __log_level(2)
__msg("R3=rcu_ptr_cpumask()")
__msg("R4=rcu_ptr_task_struct()")
cpus_ptr:
	r2 = *(u64 *)(r1 + 16)		// next
	r3 = *(u64 *)(r2 + 800)		// next->cpus_ptr
	r4 = *(u64 *)(r2 + 1328)	// next->group_leader
	r0 = *(u64 *)(r3 + 0)		// cpumask bits[0]
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.trust.two-paths") __rule("btf.trust.rcu-fields", "btf.trust.tp-btf-args")
__description("the same trusted task from the context or from bpf_get_current_task_btf(): both paths walk alike")
__success
two_paths:
	r6 = *(u64 *)(r1 + 16)
	call bpf_get_prandom_u32
	if r0 > 100 goto use
	call bpf_get_current_task_btf
	r6 = r0
use:
	r2 = *(u64 *)(r6 + 1280)
	r0 = *(u32 *)(r2 + 1264)
	r0 = 0
	exit
