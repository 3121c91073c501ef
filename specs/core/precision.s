// Scalar precision (mark_chain_precision, Linux 6.18): when a check depends on a scalar's exact
// range — a decided branch, pointer arithmetic, a size or constant argument, a return range — the
// verifier walks the path backwards and marks that scalar precise in the checkpoints it passed
// (`mark_precise:` lines at log level 2, `P` before the value). Pruning compares precise scalars
// by range and lets imprecise ones match anything; at an iterator's _next only imprecise scalars
// are widened.

SEC("socket") __id("core.precision.pointer-offset")
__description("adding a scalar to a pointer makes the scalar precise, back to where it was set")
__success __log_level(2)
__msg("mark_precise: frame0: last_idx 6 first_idx 4 subseq_idx -1 ")
__msg("mark_precise: frame0: regs=r2 stack= before 5: (07) r1 += -8")
__msg("mark_precise: frame0: regs=r2 stack= before 4: (bf) r1 = r10")
__msg("mark_precise: frame0: parent state regs=r2 stack=:  R0=scalar(smin=umin=umin32=11,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R1=ctx() R2=P0 R10=fp0")
__msg("mark_precise: frame0: regs=r2 stack= before 1: (b7) r2 = 0")
pointer_offset:
	r0 = *(u32 *)(r1 + 0)
	r2 = 0
	if r0 > 10 goto l0
	r0 = 0
l0:
	r1 = r10
	r1 += -8
	r1 += r2
	r0 = 0
	exit

SEC("socket") __id("core.precision.spill-fill")
__description("a precise register filled from the stack makes the spilled slot precise, then the register that was spilled")
__success __log_level(2)
__msg("mark_precise: frame0: regs=r2 stack= before 6: (79) r2 = *(u64 *)(r10 -16)")
__msg("stack=-16 before 3: (7b) *(u64 *)(r10 -16) = r2")
__msg("mark_precise: frame0: regs=r2 stack= before 2: (57) r2 &= 7")
spill_fill:
	r0 = *(u32 *)(r1 + 0)
	r2 = r0
	r2 &= 7
	*(u64 *)(r10 - 16) = r2
	if r0 > 10 goto l0
	r0 = 0
l0:
	r2 = *(u64 *)(r10 - 16)
	r1 = r10
	r1 += -8
	r1 += r2
	r0 = 0
	exit

SEC("socket") __id("core.precision.iter-precise-counter")
__description("a counter compared against a bound is precise, so _next does not widen it: the verifier walks every value up to the bound")
__success __log_level(2) __msg("fp-8=iter_num(ref_id=1,state=active,depth=7)") __msg("processed 100 insns")
iter_precise_counter:
	r6 = 0
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 100
	call bpf_iter_num_new
loop:
	r1 = r10
	r1 += -8
	call bpf_iter_num_next
	if r0 == 0 goto done
	if r6 > 5 goto done
	r6 += 1
	goto loop
done:
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("core.precision.iter-stack-index")
__description("a counter used as a stack offset is precise too: each value is checked against the stack bounds")
__success __msg("processed 149 insns")
iter_stack_index:
	r6 = 0
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 100
	call bpf_iter_num_new
loop:
	r1 = r10
	r1 += -8
	call bpf_iter_num_next
	if r0 == 0 goto done
	r6 += 1
	if r6 > 7 goto done
	r2 = r10
	r2 += -32
	r2 += r6
	r3 = 0
	*(u8 *)(r2 + 0) = r3
	goto loop
done:
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit
