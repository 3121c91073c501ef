// Referenced kptrs in map values (Linux 6.18): a field `struct task_struct __kptr *task;` holds a
// reference the map owns. bpf_kptr_xchg(&v->task, new) is the only way to change it: `new` (a
// referenced pointer of the field's type, or NULL) moves its reference into the map, and R0 is
// the old value, maybe NULL, with a new reference the program must release or stash again. A
// plain load reads the field as an unreferenced pointer: rcu_ptr_or_null_ inside an RCU
// section (a non-sleepable program always is in one), untrusted_ptr_or_null_ outside one.

struct val { long x; struct task_struct __kptr *task; struct cgroup __kptr *cg; struct task_struct __kptr_untrusted *ut; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct val); } stash SEC(".maps");
struct plain { long a; long b; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct plain); } plainmap SEC(".maps");

SEC("syscall") __id("kptr.xchg.stash-and-take-back")
__rule("kptr.xchg.transfer", "kptr.xchg.no-kptr", "kptr.xchg.variable-offset", "kptr.xchg.field-offset", "kptr.xchg.unreferenced-field", "kptr.xchg.type-mismatch", "kptr.xchg.possibly-null")
__description("stash a task in the map, take it back by exchanging NULL in, release what came out")
__success __log_level(2) __msg("R0=ptr_or_null_task_struct(id=6,ref_obj_id=6) refs=6")
stash_and_take_back:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r6
	r1 += 8
	r2 = r0
	call bpf_kptr_xchg
	if r0 == 0 goto take
	r1 = r0
	call bpf_task_release
take:
	r1 = r6
	r1 += 8
	r2 = 0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.null-in-leaks-old") __rule("kptr.xchg.transfer", "ref.leak.exit")
__description("exchanging NULL in still hands back the old value with a reference: dropping it leaks")
__failure __msg("Unreleased reference id=2 alloc_insn=10") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
null_in_leaks_old:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = r0
	r1 += 8
	r2 = 0
	call bpf_kptr_xchg
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.stashed-copy-invalid") __rule("kptr.xchg.transfer", "core.mem.invalid-type")
__description("once stashed, the program's copies of the pointer are invalid (unknown scalars for root)")
__failure __msg("R1 invalid mem access 'scalar'")
stashed_copy_invalid:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r7 = r0
	r1 = r6
	r1 += 8
	r2 = r0
	call bpf_kptr_xchg
	if r0 == 0 goto read
	r1 = r0
	call bpf_task_release
read:
	r1 = r7
	r0 = *(u32 *)(r1 + 0)
out:
	r0 = 0
	exit

SEC("tp_btf/task_newtask") __id("kptr.xchg.not-referenced") __rule("ref.release.not-referenced")
__description("a trusted but unreferenced pointer (a tp_btf argument) cannot be stashed: the map needs a reference")
__failure __msg("R2 must be referenced when passed to release function")
xchg_not_referenced:
	r7 = *(u64 *)(r1 + 0)
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = r0
	r1 += 8
	r2 = r7
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.wrong-type") __rule("kptr.xchg.type-mismatch")
__description("the object must have exactly the field's type: a task does not go into a cgroup field")
__failure __msg("invalid kptr access, R2 type=ptr_task_struct expected=ptr_cgroup")
xchg_wrong_type:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r6
	r1 += 16
	r2 = r0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.possibly-null") __rule("kptr.xchg.possibly-null")
__description("an unchecked result of bpf_task_from_pid may be NULL: check it first (or pass a literal 0)")
__failure __msg("Possibly NULL pointer passed to helper arg2")
xchg_possibly_null:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	r1 = 1
	call bpf_task_from_pid
	r1 = r6
	r1 += 8
	r2 = r0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.value-not-field") __rule("kptr.xchg.field-offset")
__description("the destination is the field's address (&v->task), not the map value itself")
__failure __msg("off=0 doesn't point to kptr")
xchg_value_not_field:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = r0
	r2 = 0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.untrusted-field") __rule("kptr.xchg.unreferenced-field")
__description("a __kptr_untrusted field holds no reference, so bpf_kptr_xchg refuses it")
__failure __msg("off=24 kptr isn't referenced kptr")
xchg_untrusted_field:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = r0
	r1 += 24
	r2 = 0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.no-kptr-map") __rule("kptr.xchg.no-kptr")
__description("a map value without kptr fields cannot be a bpf_kptr_xchg destination")
__failure __msg("R1 has no valid kptr")
xchg_no_kptr_map:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = plainmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = r0
	r1 += 8
	r2 = 0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.xchg.variable-offset") __rule("kptr.xchg.variable-offset")
__description("the destination's offset must be a constant, even when every possible value is a kptr field")
__failure __msg("R1 doesn't have constant offset. kptr has to be at the constant offset")
xchg_variable_offset:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r2 = *(u64 *)(r0 + 0)
	r2 &= 8
	r1 = r0
	r1 += 8
	r1 += r2
	r2 = 0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("tc") __id("kptr.load.rcu") __rule("kptr.load.trust", "kptr.access.size", "kptr.access.misaligned", "kptr.access.variable-offset", "kptr.access.mode", "kptr.store.referenced")
__description("in a non-sleepable program a plain load of the field gives an RCU pointer, maybe NULL, without a reference")
__success __log_level(2) __msg("R1=rcu_ptr_or_null_task_struct(id=1)")
load_rcu:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = *(u64 *)(r0 + 8)
	if r1 == 0 goto out
	r0 = *(u32 *)(r1 + 0)
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.load.untrusted-sleepable") __rule("kptr.load.trust")
__description("a syscall program is sleepable: outside bpf_rcu_read_lock() the loaded kptr is untrusted")
__success __log_level(2) __msg("R1=untrusted_ptr_or_null_task_struct(id=1)")
load_untrusted_sleepable:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = *(u64 *)(r0 + 8)
out:
	r0 = 0
	exit

SEC("tc") __id("kptr.load.needs-null-check") __rule("kptr.load.trust", "btf.ptr.maybe-null")
__description("the loaded kptr may be NULL (the field may be empty): dereference it only after a check")
__failure __msg("R1 invalid mem access 'rcu_ptr_or_null_'")
load_needs_null_check:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = *(u64 *)(r0 + 8)
	r0 = *(u32 *)(r1 + 0)
out:
	r0 = 0
	exit

SEC("syscall") __id("kptr.store.plain") __rule("kptr.store.referenced")
__description("a referenced kptr field is never written by a store, not even NULL: use bpf_kptr_xchg")
__failure __msg("store to referenced kptr disallowed")
store_plain:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	*(u64 *)(r0 + 8) = 0
out:
	r0 = 0
	exit

SEC("tc") __id("kptr.access.narrow") __rule("kptr.access.size")
__description("a kptr field is read whole: a 4-byte load of it is refused")
__failure __msg("kptr access size must be BPF_DW")
access_narrow:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = *(u32 *)(r0 + 8)
out:
	r0 = 0
	exit

SEC("tc") __id("kptr.access.straddle") __rule("kptr.access.misaligned")
__description("an 8-byte load that overlaps half of the kptr field is refused")
__failure __msg("kptr access misaligned expected=8 off=4")
access_straddle:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = *(u64 *)(r0 + 4)
out:
	r0 = 0
	exit

SEC("tc") __id("kptr.access.variable") __rule("kptr.access.variable-offset")
__description("a variable-offset load that may touch the kptr field is refused")
__failure __msg("kptr access cannot have variable offset")
access_variable:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r2 = *(u64 *)(r0 + 0)
	r2 &= 8
	r0 += r2
	r1 = *(u64 *)(r0 + 0)
out:
	r0 = 0
	exit

SEC("tc") __id("kptr.access.atomic") __rule("kptr.access.mode")
__description("atomic instructions cannot touch a kptr field")
__failure __msg("kptr in map can only be accessed using BPF_MEM instruction mode")
access_atomic:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = stash ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 8) += r1
out:
	r0 = 0
	exit
