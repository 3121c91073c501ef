// Stack: a 512-byte frame below R10, aligned accesses, spills and fills of registers.

SEC("socket") __id("core.stack.write-below-frame") __rule("core.stack.out-of-bounds")
__failure __msg("invalid write to stack R10 off=-520 size=8")
write_below_frame:
	*(u64 *)(r10 - 520) = 0
	r0 = 0
	exit

SEC("socket") __id("core.stack.write-at-limit") __rule("core.stack.out-of-bounds", "core.stack.misaligned")
__success __retval(0)
write_at_limit:
	*(u64 *)(r10 - 512) = 0
	r0 = 0
	exit

SEC("socket") __id("core.stack.write-above-fp") __rule("core.stack.out-of-bounds")
__failure __msg("invalid write to stack R10 off=0 size=8")
write_above_fp:
	*(u64 *)(r10 + 0) = 0
	r0 = 0
	exit

SEC("socket") __id("core.stack.read-above-fp") __rule("core.stack.out-of-bounds")
__failure __msg("invalid read from stack R10 off=8 size=8")
read_above_fp:
	r0 = *(u64 *)(r10 + 8)
	exit

SEC("socket") __id("core.stack.straddle-fp") __rule("core.stack.misaligned")
__description("an 8-byte access at fp-4 fails the alignment check before the bounds check")
__failure __msg("misaligned stack access off 0+0+-4 size 8")
straddle_fp:
	*(u32 *)(r10 - 4) = 0
	*(u64 *)(r10 - 4) = 0
	r0 = 0
	exit

SEC("socket") __id("core.stack.misaligned") __rule("core.stack.misaligned")
__failure __msg("misaligned stack access off 0+0+-12 size 8")
misaligned:
	*(u64 *)(r10 - 12) = 0
	r0 = 0
	exit

SEC("socket") __id("core.stack.misaligned-via-ptr") __rule("core.stack.misaligned")
__failure __msg("misaligned stack access off 0+-8+2 size 8")
misaligned_via_ptr:
	r1 = r10
	r1 += -8
	*(u64 *)(r1 + 2) = 0
	r0 = 0
	exit

SEC("socket") __id("core.stack.spill-fill-scalar") __rule("core.stack.fill-size")
__success __log_level(2) __msg("fp-8=42") __msg("R3=42") __retval(42)
spill_fill_scalar:
	r1 = 42
	*(u64 *)(r10 - 8) = r1
	r3 = *(u64 *)(r10 - 8)
	r0 = r3
	exit

SEC("socket") __id("core.stack.spill-fill-pointer") __rule("core.stack.fill-size", "core.stack.spill-size")
__success __log_level(2) __msg("R4=fp-16") __retval(0)
spill_fill_pointer:
	r2 = r10
	r2 += -16
	*(u64 *)(r10 - 16) = r2
	r4 = *(u64 *)(r10 - 16)
	r0 = 0
	exit

SEC("socket") __id("core.stack.partial-fill-pointer") __rule("core.stack.fill-size")
__failure __msg("invalid size of register fill")
partial_fill_pointer:
	r2 = r10
	*(u64 *)(r10 - 8) = r2
	r0 = *(u32 *)(r10 - 8)
	exit

SEC("socket") __id("core.stack.partial-spill-pointer") __rule("core.stack.spill-size")
__failure __msg("invalid size of register spill")
partial_spill_pointer:
	r2 = r10
	*(u32 *)(r10 - 8) = r2
	r0 = 0
	exit

SEC("socket") __id("core.stack.uninit-read-privileged") __rule("core.stack.read-uninit")
__description("a privileged loader may read stack never written: the value is unknown")
__success
uninit_read_privileged:
	r0 = *(u64 *)(r10 - 8)
	exit

SEC("socket") __id("core.stack.zero-bytes") __rule("core.stack.read-uninit")
__description("storing the constant 0 marks the bytes as zero; reading them back gives 0")
__success __log_level(2) __msg("fp-8=0000????") __msg("R0=0") __retval(0)
zero_bytes:
	*(u32 *)(r10 - 4) = 0
	r0 = *(u32 *)(r10 - 4)
	exit

SEC("socket") __id("core.stack.narrow-fill-scalar") __rule("core.stack.fill-size")
__description("a narrow fill of a spilled constant at the slot base keeps the low bits")
__success __log_level(2) __msg("R0=7") __retval(7)
narrow_fill_scalar:
	r1 = 0x100000007 ll
	*(u64 *)(r10 - 8) = r1
	r0 = *(u32 *)(r10 - 8)
	exit
