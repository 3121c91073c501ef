// ALU: constants, 32-bit zero extension, division by zero, shifts.

SEC("socket") __id("core.alu.div-by-zero-imm") __rule("core.alu.div-by-zero")
__failure __msg("div by zero")
div_by_zero_imm:
	r0 = 10
	r0 /= 0
	exit

SEC("socket") __id("core.alu.div-by-reg-zero") __rule("core.alu.div-by-zero")
__description("division by a register holding zero is allowed: the result is 0 at run time")
__success __retval(0)
div_by_reg_zero:
	r0 = 10
	r1 = 0
	r0 /= r1
	exit

SEC("socket") __id("core.alu.mod-by-zero-imm") __rule("core.alu.div-by-zero")
__failure __msg("div by zero")
mod_by_zero_imm:
	w0 = 10
	w0 %= 0
	exit

SEC("socket") __id("core.alu.shift-too-big") __rule("core.alu.invalid-shift")
__failure __msg("invalid shift 64")
shift_too_big:
	r0 = 1
	r0 <<= 64
	exit

SEC("socket") __id("core.alu.shift32-too-big") __rule("core.alu.invalid-shift")
__failure __msg("invalid shift 32")
shift32_too_big:
	w0 = 1
	w0 <<= 32
	exit

SEC("socket") __id("core.alu.shift-ok") __rule("core.alu.invalid-shift")
__success __msg("R0=0x8000000000000000") __log_level(2) __retval(0)
shift_ok:
	r0 = 1
	r0 <<= 63
	r0 = 0
	exit

SEC("socket") __id("core.alu.alu32-zext") __rule("core.alu.reserved-fields")
__description("a 32-bit ALU result is zero-extended: -1 in w0 is 0xffffffff in r0")
__success __log_level(2) __msg("R0=0xffffffff") __retval(-1)
alu32_zext:
	w0 = -1
	exit

SEC("socket") __id("core.alu.range-and") __rule("core.map.max-out-of-range")
__description("masking bounds a scalar")
__success __log_level(2) __msg("R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))")
range_and:
	call bpf_get_prandom_u32
	r0 &= 15
	exit
