// may_goto (Linux 6.18): `may_goto label` jumps once a hidden per-program counter runs out, so a
// loop around it terminates at run time whatever its body does. The verifier follows the jump
// first and queues the loop body with may_goto_depth + 1; scalars that changed since the
// previous pass and are not precise are widened, and an open checkpoint of another depth that
// covers the state at the may_goto ends the path. Once verified, the program's stack grows by 16
// bytes for the counter and its deadline (`stack depth` in the stats).

SEC("socket") __id("core.may-goto.counter") __rule("core.jmp.may-goto-encoding")
__description("a counter that nothing checks is widened after two passes, and the loop converges")
__success __log_level(6) __msg("SCC backedge (1)") __msg("stack depth 16") __msg("processed 17 insns")
counter:
	r6 = 0
l0:
	may_goto l1
	r6 += 1
	goto l0
l1:
	r0 = r6
	exit

SEC("socket") __id("core.may-goto.bounded-index")
__description("a counter used as a stack offset is precise: each value up to the bound is checked")
__success __msg("processed 95 insns")
bounded_index:
	r6 = 0
l0:
	may_goto l1
	if r6 > 7 goto l1
	r2 = r10
	r2 += -16
	r2 += r6
	r3 = 0
	*(u8 *)(r2 + 0) = r3
	r6 += 1
	goto l0
l1:
	r0 = 0
	exit

SEC("socket") __id("core.may-goto.unbounded-index") __rule("core.stack.out-of-bounds")
__description("without the bound, the precise counter walks off the frame: may_goto does not bound values, only time")
__failure __msg("invalid write to stack R2 off=0 size=1")
unbounded_index:
	r6 = 0
l0:
	may_goto l1
	r2 = r10
	r2 += -16
	r2 += r6
	r3 = 0
	*(u8 *)(r2 + 0) = r3
	r6 += 1
	goto l0
l1:
	r0 = 0
	exit

SEC("syscall") __id("core.may-goto.with-iterator")
__description("may_goto inside an open-coded iterator loop (the cond_break pattern)")
__success __log_level(6) __msg("stack depth 24")
with_iterator:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
l0:
	may_goto l1
	r1 = r10
	r1 += -8
	call bpf_iter_num_next
	if r0 == 0 goto l1
	goto l0
l1:
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("core.may-goto.bad-imm") __rule("core.jmp.may-goto-encoding")
__description("may_goto with a non-zero imm (raw encoding: code 0xe5, off 1, imm 1)")
__failure __msg("invalid may_goto imm 1")
bad_imm:
	.8byte 0x00000001000100e5
	r0 = 0
	exit
