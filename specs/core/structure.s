// Program structure and encodings the assembler can still express: calls outside the
// program, register numbers past R10, helper ids the kernel does not have.

SEC("socket") __id("core.cfg.well-formed") __rule("core.cfg.jump-out-of-range", "core.cfg.last-insn-not-exit", "core.cfg.unreachable-insn")
__description("every jump stays inside its subprogram, every instruction is reachable, each subprogram ends in exit")
__success __retval(0)
well_formed:
	r0 = 0
	if r0 == 1 goto skip
	call sub
skip:
	exit
sub:
	r0 = 0
	exit

SEC("socket") __id("core.cfg.call-outside") __rule("core.cfg.call-invalid-destination")
__failure __msg("call to invalid destination")
call_outside:
	call pc+100
	r0 = 0
	exit

SEC("socket") __id("core.cfg.call-inside") __rule("core.cfg.call-invalid-destination")
__success __retval(3)
call_inside:
	call pc+1
	exit
	r0 = 3
	exit

SEC("socket") __id("core.reg.r11") __rule("core.reg.invalid-number")
__failure __msg("R11 is invalid")
r11:
	r0 = r11
	exit

SEC("socket") __id("core.reg.r10-read") __rule("core.reg.invalid-number")
__success __retval(0)
r10_read:
	r0 = r10
	r0 = 0
	exit

SEC("socket") __id("core.helper.unknown-id") __rule("core.helper.unknown")
__failure __msg("invalid func unknown#999")
unknown_id:
	call 999
	r0 = 0
	exit

SEC("socket") __id("core.helper.known-id") __rule("core.helper.unknown", "core.helper.prog-type")
__success
known_id:
	call 7
	exit
