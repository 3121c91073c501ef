// Map values: in bounds for every possible offset; read-only maps are not writable.

struct val { long a; long b; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, int); __type(value, struct val); } hmap SEC(".maps");
const volatile long limit = 7;
long counter SEC(".bss");

SEC("socket") __id("core.map.value-oob") __rule("core.map.min-out-of-range", "core.map.value-out-of-bounds")
__failure __msg("invalid access to map value, value_size=16 off=16 size=8") __msg("R0 min value is outside of the allowed memory range")
value_oob:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r0 = *(u64 *)(r0 + 16)
out:
	r0 = 0
	exit

SEC("socket") __id("core.map.value-last-field") __rule("core.map.min-out-of-range", "core.map.value-out-of-bounds")
__success
value_last_field:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r0 = *(u64 *)(r0 + 8)
out:
	r0 = 0
	exit

SEC("socket") __id("core.map.unbounded-index") __rule("core.ptr.unbounded-min")
__description("adding an unchecked random value to a map value pointer is rejected at the addition")
__failure __msg("math between map_value pointer and register with unbounded min value is not allowed")
unbounded_index:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	call bpf_get_prandom_u32
	r0 += r6
	r0 = *(u8 *)(r0 + 0)
out:
	r0 = 0
	exit

SEC("socket") __id("core.map.global-counter") __rule("core.map.write-readonly")
__success __retval(1)
global_counter:
	r1 = counter ll
	r2 = 1
	*(u64 *)(r1 + 0) = r2
	r0 = *(u64 *)(r1 + 0)
	exit

SEC("socket") __id("core.map.rodata-write") __rule("core.map.write-readonly")
__failure __msg("write into map forbidden, value_size=8 off=0 size=8")
rodata_write:
	r1 = limit ll
	r2 = 1
	*(u64 *)(r1 + 0) = r2
	r0 = 0
	exit

SEC("socket") __id("core.map.rodata-known") __rule("core.map.write-readonly")
__description("values in a frozen read-only map are known constants to the verifier")
__success __log_level(2) __msg("R0=7") __retval(7)
rodata_known:
	r1 = limit ll
	r0 = *(u64 *)(r1 + 0)
	exit

SEC("socket") __id("core.map.key-uninit-privileged") __rule("core.helper.stack-uninit")
__description("a privileged program may pass an uninitialised stack key")
__success
key_uninit_privileged:
	r2 = r10
	r2 += -8
	r1 = hmap ll
	call bpf_map_lookup_elem
	r0 = 0
	exit

SEC("socket") __id("core.map.key-out-of-stack") __rule("core.stack.out-of-bounds")
__failure __msg("invalid read from stack R2 off=-2 size=4")
key_out_of_stack:
	r2 = r10
	r2 += -2
	r1 = hmap ll
	call bpf_map_lookup_elem
	r0 = 0
	exit

SEC("socket") __id("core.map.key-not-pointer") __rule("core.helper.arg-type")
__failure __msg("R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_")
key_not_pointer:
	r2 = 0
	r1 = hmap ll
	call bpf_map_lookup_elem
	r0 = 0
	exit

SEC("socket") __id("core.map.map-arg-not-map") __rule("core.helper.arg-type")
__failure __msg("R1 type=fp expected=map_ptr")
map_arg_not_map:
	r2 = r10
	r2 += -8
	r1 = r10
	call bpf_map_lookup_elem
	r0 = 0
	exit

SEC("socket") __id("core.helper.not-for-socket") __rule("core.helper.prog-type")
__failure __msg("program of this type cannot use helper bpf_skb_store_bytes#9")
not_for_socket:
	call bpf_skb_store_bytes
	r0 = 0
	exit
