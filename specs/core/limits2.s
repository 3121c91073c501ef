// Odd pointer offsets, map values indexed by signed or wide values, ctx at a variable offset.

struct val { long a; long b; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, int); __type(value, struct val); } hmap SEC(".maps");

SEC("socket") __id("core.ptr.fixed-offset-limit") __rule("core.ptr.fixed-offset-too-large", "core.ptr.offset-too-large")
__description("a pointer may carry a fixed offset just below 2^29 as long as it is not dereferenced")
__success __retval(0)
fixed_offset_limit:
	r1 = r10
	r1 += 536870911
	r0 = 0
	exit

SEC("socket") __id("core.ptr.fixed-offset-over") __rule("core.ptr.fixed-offset-too-large")
__failure __msg("fp pointer offset 536870912 is not allowed")
fixed_offset_over:
	r1 = r10
	r1 += 536870911
	r1 += 1
	r0 = 0
	exit

SEC("socket") __id("core.map.signed-index") __rule("core.map.min-negative")
__failure __msg("R6 min value is negative, either use unsigned index or do a if (index >=0) check.")
signed_index:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_prandom_u32
	r0 &= 7
	r0 -= 4
	r6 += r0
	r0 = *(u8 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.map.unsigned-index") __rule("core.map.min-negative", "core.map.unbounded", "core.map.min-out-of-range", "core.map.max-out-of-range", "core.ptr.unbounded-min", "core.ptr.value-out-of-bounds")
__success
unsigned_index:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_prandom_u32
	r0 &= 7
	r6 += r0
	r0 = *(u8 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.map.wide-index") __rule("core.map.unbounded")
__failure __msg("R6 unbounded memory access, make sure to bounds check any such access")
wide_index:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_prandom_u32
	w0 += 0
	r6 += r0
	r0 = *(u8 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.ctx.variable-offset-load") __rule("core.ctx.variable-offset")
__failure __msg("variable ctx access var_off=(0x0; 0x4) disallowed")
variable_offset_load:
	r6 = r1
	call bpf_get_prandom_u32
	r0 &= 4
	r6 += r0
	r0 = *(u32 *)(r6 + 0)
	exit
