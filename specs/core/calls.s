// bpf-to-bpf calls: arguments in R1-R5, the result in R0, a new 512-byte frame, at most 8 frames.

SEC("socket") __id("core.call.static-subprog") __rule("core.call.too-deep")
__success __retval(11)
static_subprog:
	r1 = 5
	call double
	r0 += 1
	exit
double:
	r0 = r1
	r0 *= 2
	exit

SEC("socket") __id("core.call.caller-regs-clobbered") __rule("core.reg.read-uninit")
__description("R1-R5 of the caller are not preserved across a call")
__failure __msg("R1 !read_ok")
caller_regs_clobbered:
	r1 = 5
	call ident
	r0 = r1
	exit
ident:
	r0 = r1
	exit

SEC("socket") __id("core.call.callee-r0-unset") __rule("core.reg.read-uninit")
__description("6.18 does not require a static subprogram to set R0: the caller overwrites it here")
__success
callee_r0_unset:
	call nothing
	r0 = 0
	exit
nothing:
	exit

SEC("socket") __id("core.call.return-stack-pointer") __rule("core.call.return-stack-pointer")
__failure __msg("cannot return stack pointer to the caller")
return_stack_pointer:
	call leak
	r0 = 0
	exit
leak:
	r0 = r10
	exit

SEC("socket") __id("core.call.pass-stack-pointer") __rule("core.call.return-stack-pointer")
__description("a callee may use a pointer into its caller's stack")
__success __retval(7)
pass_stack_pointer:
	r1 = 7
	*(u64 *)(r10 - 8) = r1
	r1 = r10
	r1 += -8
	call deref
	exit
deref:
	r0 = *(u64 *)(r1 + 0)
	exit

SEC("socket") __id("core.call.too-deep") __rule("core.call.too-deep")
__failure __msg("the call stack of 9 frames is too deep")
too_deep:
	call f1
	exit
f1:
	call f2
	exit
f2:
	call f3
	exit
f3:
	call f4
	exit
f4:
	call f5
	exit
f5:
	call f6
	exit
f6:
	call f7
	exit
f7:
	call f8
	exit
f8:
	r0 = 0
	exit

SEC("socket") __id("core.call.depth-eight-ok") __rule("core.call.too-deep")
__success __retval(0)
depth_eight_ok:
	call g1
	exit
g1:
	call g2
	exit
g2:
	call g3
	exit
g3:
	call g4
	exit
g4:
	call g5
	exit
g5:
	call g6
	exit
g6:
	call g7
	exit
g7:
	r0 = 0
	exit

SEC("socket") __id("core.call.jump-out-of-subprog") __rule("core.cfg.jump-out-of-range")
__failure __msg("jump out of range from insn 3 to 1")
jump_out_of_subprog:
	call sub
	r0 = 0
	exit
sub:
	goto -3
