// Registers: every read needs an earlier write; R10 is read-only.

SEC("socket") __id("core.reg.uninit-src") __rule("core.reg.read-uninit")
__description("reading a register never written is rejected")
__failure __msg("R2 !read_ok")
uninit_src:
	r0 = r2
	exit

SEC("socket") __id("core.reg.init-then-read") __rule("core.reg.read-uninit")
__description("the same move after writing the register is fine")
__success __retval(0)
init_then_read:
	r2 = 0
	r0 = r2
	exit

SEC("socket") __id("core.reg.uninit-in-alu") __rule("core.reg.read-uninit")
__failure __msg("R3 !read_ok")
uninit_in_alu:
	r0 = 1
	r0 += r3
	exit

SEC("socket") __id("core.reg.uninit-after-call") __rule("core.reg.read-uninit")
__description("a helper call clobbers R1-R5")
__failure __msg("R1 !read_ok")
uninit_after_call:
	r1 = 1
	call bpf_get_prandom_u32
	r0 = r1
	exit

SEC("socket") __id("core.reg.callee-saved-survive") __rule("core.reg.read-uninit")
__description("R6-R9 survive a helper call")
__success __retval(1)
callee_saved_survive:
	r6 = 1
	call bpf_get_prandom_u32
	r0 = r6
	exit

SEC("socket") __id("core.reg.fp-write") __rule("core.reg.fp-read-only")
__failure __msg("frame pointer is read only")
fp_write:
	r10 = 0
	r0 = 0
	exit

SEC("socket") __id("core.reg.fp-copy-ok") __rule("core.reg.fp-read-only")
__success __retval(0)
fp_copy_ok:
	r1 = r10
	r0 = 0
	exit

SEC("socket") __id("core.reg.uninit-jump") __rule("core.reg.read-uninit")
__failure __msg("R4 !read_ok")
uninit_jump:
	r0 = 0
	if r4 > 3 goto out
out:
	exit
