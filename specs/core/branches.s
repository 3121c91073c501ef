// Branches: both sides are explored unless the outcome is known; comparisons narrow ranges;
// equivalent states are pruned.

struct val { long arr[4]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct val); } vals SEC(".maps");

SEC("socket") __id("core.branch.both-sides") __rule("core.reg.read-uninit")
__description("the verifier walks both sides; the error is on the taken side only")
__failure __msg("from 1 to 3") __msg("R2 !read_ok") __log_level(2)
both_sides:
	r0 = *(u32 *)(r1 + 0)
	if r0 > 10 goto bad
	exit
bad:
	r0 = r2
	exit

SEC("socket") __id("core.branch.dead-side-not-checked") __rule("core.reg.read-uninit")
__description("a branch on a known constant is folded: the other side is never checked")
__success __retval(0)
dead_side_not_checked:
	r1 = 5
	if r1 > 10 goto bad
	r0 = 0
	exit
bad:
	r0 = r2
	exit

SEC("socket") __id("core.branch.bounds-check") __rule("core.map.max-out-of-range")
__description("an unsigned comparison bounds an index into a map value")
__success
bounds_check:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = vals ll
	call bpf_map_lookup_elem
	r6 = r0
	call bpf_get_prandom_u32
	if r0 > 3 goto out
	r0 <<= 3
	r6 += r0
	r0 = *(u64 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.branch.bounds-check-off-by-one") __rule("core.map.max-out-of-range", "core.map.value-out-of-bounds")
__failure __msg("R6 max value is outside of the allowed memory range")
bounds_check_off_by_one:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = vals ll
	call bpf_map_lookup_elem
	r6 = r0
	call bpf_get_prandom_u32
	if r0 > 4 goto out
	r0 <<= 3
	r6 += r0
	r0 = *(u64 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.branch.linked-copy-narrowed") __rule("core.map.max-out-of-range")
__description("r1 = r0 links the two; checking r0 bounds r1 too")
__success
linked_copy_narrowed:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = vals ll
	call bpf_map_lookup_elem
	r6 = r0
	call bpf_get_prandom_u32
	r1 = r0
	if r0 > 24 goto out
	r6 += r1
	r0 = *(u8 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.branch.signed-check-negative") __rule("core.ptr.value-out-of-bounds")
__description("a signed upper bound alone leaves negative values possible")
__failure __msg("value -2147483648 makes map_value pointer be out of bounds")
signed_check_negative:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = vals ll
	call bpf_map_lookup_elem
	r6 = r0
	call bpf_get_prandom_u32
	r0 <<= 32
	r0 s>>= 32
	if r0 s> 24 goto out
	r6 += r0
	r0 = *(u8 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.branch.prune-safe") __rule("core.reg.read-uninit")
__description("a path reaching a state equivalent to an explored safe one is pruned")
__success __log_level(2) __msg("safe")
prune_safe:
	r0 = *(u32 *)(r1 + 0)
	r3 = 0
	r3 += 1
	r3 += 1
	r3 += 1
	r3 += 1
	if r0 > 10 goto l1
	r2 = 1
l1:
	if r0 > 20 goto l2
	r2 = 2
l2:
	r3 += 1
	r3 += 1
	r0 = 0
	exit
