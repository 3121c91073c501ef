// Variable stack offsets, stores into a caller's frame, and the combined stack of a call chain.

SEC("socket") __id("core.stack.var-write-in-bounds") __rule("core.stack.var-out-of-bounds", "core.stack.var-unbounded")
__description("privileged programs may write at a bounded variable offset inside the frame")
__success __retval(0)
var_write_in_bounds:
	call bpf_get_prandom_u32
	r0 &= 7
	r1 = r10
	r1 += -16
	r1 += r0
	r2 = 0
	*(u8 *)(r1 + 0) = r2
	r0 = 0
	exit

SEC("socket") __id("core.stack.var-write-past-fp") __rule("core.stack.var-out-of-bounds")
__failure __msg("invalid variable-offset write to stack R1")
var_write_past_fp:
	call bpf_get_prandom_u32
	r0 &= 15
	r1 = r10
	r1 += -8
	r1 += r0
	r2 = 0
	*(u8 *)(r1 + 0) = r2
	r0 = 0
	exit

SEC("socket") __id("core.stack.var-unbounded-write") __rule("core.stack.var-unbounded")
__failure __msg("invalid unbounded variable-offset write to stack R1")
var_unbounded_write:
	call bpf_get_prandom_u32
	w0 += 0
	r1 = r10
	r1 += -8
	r1 += r0
	r2 = 0
	*(u8 *)(r1 + 0) = r2
	r0 = 0
	exit

SEC("socket") __id("core.stack.spill-fp-into-caller") __rule("core.stack.spill-fp-to-caller")
__failure __msg("cannot spill pointers to stack into stack frame of the caller")
spill_fp_into_caller:
	r1 = r10
	r1 += -8
	call store_fp
	r0 = 0
	exit
store_fp:
	r2 = r10
	*(u64 *)(r1 + 0) = r2
	exit

SEC("socket") __id("core.stack.scalar-into-caller") __rule("core.stack.spill-fp-to-caller")
__success __retval(5)
scalar_into_caller:
	r1 = r10
	r1 += -8
	call store_five
	r0 = *(u64 *)(r10 - 8)
	exit
store_five:
	r2 = 5
	*(u64 *)(r1 + 0) = r2
	exit

SEC("socket") __id("core.call.combined-stack-too-large") __rule("core.call.combined-stack")
__failure __msg("combined stack size of 2 calls is 608. Too large")
combined_stack_too_large:
	*(u64 *)(r10 - 400) = 0
	call deep
	r0 = 0
	exit
deep:
	*(u64 *)(r10 - 200) = 0
	exit

SEC("socket") __id("core.call.combined-stack-fits") __rule("core.call.combined-stack")
__success __retval(0)
combined_stack_fits:
	*(u64 *)(r10 - 256) = 0
	call shallow
	r0 = 0
	exit
shallow:
	*(u64 *)(r10 - 256) = 0
	exit
