// The context: fields the program type exposes, at the original pointer, with allowed sizes.

struct val { long a; long b; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, struct val); } arr SEC(".maps");

SEC("socket") __id("core.ctx.skb-len") __rule("core.ctx.invalid-access", "core.ctx.modified-pointer", "core.ctx.variable-offset")
__success
skb_len:
	r0 = *(u32 *)(r1 + 0)
	exit

SEC("socket") __id("core.ctx.socket-data-denied") __rule("core.ctx.invalid-access")
__description("socket filters cannot read skb->data directly")
__failure __msg("invalid bpf_context access off=76 size=4")
socket_data_denied:
	r0 = *(u32 *)(r1 + 76)
	exit

SEC("socket") __id("core.ctx.socket-write-mark") __rule("core.ctx.invalid-access")
__failure __msg("invalid bpf_context access off=8 size=4")
socket_write_mark:
	r2 = 1
	*(u32 *)(r1 + 8) = r2
	r0 = 0
	exit

SEC("tc") __id("core.ctx.tc-write-mark") __rule("core.ctx.invalid-access")
__success __retval(0)
tc_write_mark:
	r2 = 1
	*(u32 *)(r1 + 8) = r2
	r0 = 0
	exit

SEC("socket") __id("core.ctx.socket-cb-write") __rule("core.ctx.invalid-access")
__success __retval(0)
socket_cb_write:
	r2 = 1
	*(u32 *)(r1 + 48) = r2
	r0 = 0
	exit

SEC("socket") __id("core.ctx.out-of-range") __rule("core.ctx.invalid-access")
__failure __msg("invalid bpf_context access off=192 size=4")
out_of_range:
	r0 = *(u32 *)(r1 + 192)
	exit

SEC("socket") __id("core.ctx.narrow-read") __rule("core.ctx.invalid-access")
__success
narrow_read:
	r0 = *(u8 *)(r1 + 0)
	exit

SEC("socket") __id("core.ctx.modified-pointer") __rule("core.ctx.modified-pointer")
__failure __msg("dereference of modified ctx ptr R1 off=4 disallowed")
modified_pointer:
	r1 += 4
	r0 = *(u32 *)(r1 + 0)
	exit

SEC("xdp") __id("core.ctx.xdp-data-pointers") __rule("core.ctx.invalid-access")
__success __log_level(2) __msg("R2=pkt(r=0)") __msg("R3=pkt_end()")
xdp_data_pointers:
	r2 = *(u32 *)(r1 + 0)
	r3 = *(u32 *)(r1 + 4)
	r0 = 2
	exit

SEC("xdp") __id("core.ctx.xdp-write-denied") __rule("core.ctx.invalid-access")
__failure __msg("invalid bpf_context access off=12 size=4")
xdp_write_denied:
	r2 = 0
	*(u32 *)(r1 + 12) = r2
	r0 = 2
	exit

SEC("tc") __id("core.ctx.same-insn-ctx-and-map-value") __rule("core.mem.same-insn-different-pointers")
__description("one load reads the context on one path and a map value on the other (found by bpfspec fuzz --seed 11)")
__failure __msg("same insn cannot be used with different pointers")
same_insn_ctx_and_map_value:
	r6 = r1
	r7 = 0
loop:
	r3 = *(u32 *)(r6 + 12)
	*(u32 *)(r10 - 8) = 1
	r2 = r10
	r2 += -8
	r1 = arr ll
	call bpf_map_lookup_elem
	r6 = r0
	r7 += 1
	if r7 < 2 goto loop
	r0 = 0
	exit

SEC("tc") __id("core.ctx.same-insn-stack-and-map-value") __rule("core.mem.same-insn-different-pointers")
__description("stack and map value pointers need no per-instruction rewrite, so one store may serve both")
__success __retval(0)
same_insn_stack_and_map_value:
	*(u64 *)(r10 - 16) = 0
	r6 = r10
	r6 += -16
	r7 = 0
loop:
	*(u32 *)(r6 + 0) = 7
	*(u32 *)(r10 - 8) = 1
	r2 = r10
	r2 += -8
	r1 = arr ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	r7 += 1
	if r7 < 2 goto loop
out:
	r0 = 0
	exit
