// NULL checks: a maybe-NULL pointer must be tested against 0 before use, and the test
// narrows every copy of it (same id).

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, int); __type(value, long); } hmap SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, long); } amap SEC(".maps");

SEC("socket") __id("core.null.unchecked-deref") __rule("core.mem.invalid-type")
__failure __msg("R0 invalid mem access 'map_value_or_null'")
unchecked_deref:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	r0 = *(u64 *)(r0 + 0)
	exit

SEC("socket") __id("core.null.checked-deref") __rule("core.mem.invalid-type", "core.helper.arg-type", "core.insn.map-reference")
__success __retval(0)
checked_deref:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r0 = *(u64 *)(r0 + 0)
	r0 = 0
out:
	exit

SEC("socket") __id("core.null.check-narrows-copy") __rule("core.mem.invalid-type")
__description("checking one copy makes every copy with the same id non-NULL")
__success __log_level(2) __msg("R6=map_value(map=hmap,ks=4,vs=8)")
check_narrows_copy:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	r6 = r0
	if r0 == 0 goto out
	r0 = *(u64 *)(r6 + 0)
	r0 = 0
out:
	exit

SEC("socket") __id("core.null.check-narrows-spilled-copy") __rule("core.mem.invalid-type")
__description("a copy spilled to the stack is narrowed too")
__success
check_narrows_spilled_copy:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	*(u64 *)(r10 - 16) = r0
	if r0 == 0 goto out
	r1 = *(u64 *)(r10 - 16)
	r0 = *(u64 *)(r1 + 0)
	r0 = 0
out:
	exit

SEC("socket") __id("core.null.wrong-branch") __rule("core.mem.invalid-type")
__description("on the == 0 side the pointer is the scalar 0")
__failure __msg("R0 invalid mem access 'scalar'")
wrong_branch:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 != 0 goto out
	r0 = *(u64 *)(r0 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.null.second-lookup-not-narrowed") __rule("core.mem.invalid-type")
__description("two lookups give two ids: checking one says nothing about the other")
__failure __msg("R7 invalid mem access 'map_value_or_null'")
second_lookup_not_narrowed:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	r6 = r0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	r7 = r0
	if r6 == 0 goto out
	r0 = *(u64 *)(r7 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.null.array-const-key") __rule("core.mem.invalid-type")
__description("an array lookup with a constant in-range key cannot fail, so no check is needed (since 6.14)")
__success __log_level(2) __msg("R0=map_value(map=amap,ks=4,vs=8)")
array_const_key:
	r1 = 2
	*(u32 *)(r10 - 8) = r1
	r2 = r10
	r2 += -8
	r1 = amap ll
	call bpf_map_lookup_elem
	r0 = *(u64 *)(r0 + 0)
	r0 = 0
	exit

SEC("socket") __id("core.null.array-key-out-of-range") __rule("core.mem.invalid-type")
__failure __msg("R0 invalid mem access 'map_value_or_null'")
array_key_out_of_range:
	r1 = 4
	*(u32 *)(r10 - 8) = r1
	r2 = r10
	r2 += -8
	r1 = amap ll
	call bpf_map_lookup_elem
	r0 = *(u64 *)(r0 + 0)
	r0 = 0
	exit

SEC("socket") __id("core.null.scalar-deref") __rule("core.mem.invalid-type")
__failure __msg("R1 invalid mem access 'scalar'")
scalar_deref:
	r1 = 0
	r0 = *(u64 *)(r1 + 0)
	exit
