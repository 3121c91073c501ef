// Program structure checks that run before any path is walked.

SEC("socket") __id("core.cfg.unreachable") __rule("core.cfg.unreachable-insn")
__failure __msg("unreachable insn 2")
unreachable:
	r0 = 0
	exit
	r0 = 1
	exit

SEC("socket") __id("core.cfg.jump-past-end") __rule("core.cfg.jump-out-of-range")
__failure __msg("jump out of range from insn 1 to 5")
jump_past_end:
	r0 = 0
	goto +3
	exit

SEC("socket") __id("core.cfg.fall-off-end") __rule("core.cfg.last-insn-not-exit")
__failure __msg("last insn is not an exit or jmp")
fall_off_end:
	r0 = 0

SEC("socket") __id("core.cfg.jump-into-ldimm64") __rule("core.cfg.unreachable-insn")
__description("jumping over the first half of a 64-bit load leaves it unreachable, which check_cfg reports first")
__failure __msg("unreachable insn 1")
jump_into_ldimm64:
	goto +1
	r0 = 0x100000000 ll
	r0 = 0
	exit
