// Linked scalars with a constant delta (BPF_ADD_CONST): after `r1 = r0; r1 += K` the two
// registers stay linked, the log shows the link as `id=N+K`, and a conditional jump that
// narrows either one narrows the other with the delta applied (sync_linked_regs). A second
// add, a constant that does not fit an s32, a 32-bit add to a register that may exceed
// U32_MAX, or spilling the offset register breaks the link. Each rejecting example reaches
// a `r10 = 0` the link would have proven dead.

SEC("socket") __id("core.linked.across-subprog") __rule("core.reg.fp-read-only")
__description("a callee's `r0 = r1; r0 += 1` stays linked to the caller's r8; r0 == -1 makes r8 == -2")
__success
across_subprog:
	r8 = 0
	r8 /= 3
	r1 = r8
	call sub
	if r0 != -1 goto l4
	r9 = 0
	if w8 s<= w9 goto l6
	r10 = 11
	exit
l4:
	r0 = 0
	exit
l6:
	r0 = 0
	exit
sub:
	r0 = r1
	r0 += 1
	exit

SEC("socket") __id("core.linked.narrow-base") __rule("core.reg.fp-read-only")
__description("narrowing the +K copy narrows the base: r1 = r0 + 4 <= 10 gives r0 <= 6")
__success __log_level(2)
__msg("3: (07) r1 += 4{{ +}}; R1=scalar(id=1+4,smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=259,var_off=(0x0; 0x1ff))")
__msg("from 4 to 9: R0=scalar(id=1,smin=umin=smin32=umin32=7,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) R1=scalar(id=1+4,smin=umin=smin32=umin32=11,smax=umax=smax32=umax32=259,var_off=(0x0; 0x1ff))")
narrow_base:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r1 += 4
	if r1 > 10 goto out
	if r0 > 6 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.narrow-copy") __rule("core.reg.fp-read-only")
__description("narrowing the base narrows the copy: a subtraction is a negative delta (id=1-3)")
__success __log_level(2)
__msg("3: (17) r1 -= 3{{ +}}; R1=scalar(id=1-3,smin=smin32=-3,smax=smax32=252)")
__msg("R1=scalar(id=1-3,smin=smin32=-3,smax=smax32=2)")
narrow_copy:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r1 -= 3
	if r0 > 5 goto out
	if r1 s> 2 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.second-add-unlinks") __rule("core.reg.fp-read-only")
__description("only one delta is tracked: a second add clears the id, so r0 learns nothing")
__failure __log_level(2)
__msg("3: (07) r1 += 2{{ +}}; R1=scalar(id=1+2,")
__msg("4: (07) r1 += 2{{ +}}; R1=scalar(smin=umin=smin32=umin32=4,")
__msg("frame pointer is read only")
second_add_unlinks:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r1 += 2
	r1 += 2
	if r1 > 10 goto out
	if r0 > 6 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.large-constant-unlinks") __rule("core.reg.fp-read-only")
__description("a delta above S32_MAX does not fit reg->off: the link is dropped")
__failure __msg("frame pointer is read only")
large_constant_unlinks:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r2 = 2147483648 ll
	r1 += r2
	r2 = 2147483658 ll
	if r1 > r2 goto out
	if r0 > 10 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.alu32-add") __rule("core.reg.fp-read-only")
__description("a 32-bit add links too (BPF_ADD_CONST32) when the register fits in 32 bits")
__success __log_level(2)
__msg("3: (04) w1 += 4{{ +}}; R1=scalar(id=1+4,")
alu32_add:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	w1 += 4
	if w1 > 10 goto out
	if r0 > 6 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.alu32-wide-unlinks") __rule("core.reg.fp-read-only")
__description("a 32-bit add to a register that may exceed U32_MAX breaks the link (the zero-extension is no constant delta)")
__failure __log_level(2)
__msg("2: (04) w1 += 4{{ +}}; R1=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))")
__msg("frame pointer is read only")
alu32_wide_unlinks:
	call bpf_get_prandom_u32
	r1 = r0
	w1 += 4
	if w1 > 10 goto out
	if r0 > 6 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.spill-fill") __rule("core.reg.fp-read-only")
__description("a spilled copy of the base stays linked: narrowing r1 = r0 + 1 narrows the filled value")
__success __log_level(2)
__msg("2: (7b) *(u64 *)(r10 -8) = r0{{ +}}; R0=scalar(id=1,")
spill_fill:
	call bpf_get_prandom_u32
	r0 &= 0xff
	*(u64 *)(r10 - 8) = r0
	r1 = r0
	r1 += 1
	if r1 > 6 goto out
	r2 = *(u64 *)(r10 - 8)
	if r2 > 5 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.fill-then-add") __rule("core.reg.fp-read-only")
__description("a filled copy can take the delta itself")
__success __log_level(2)
__msg("4: (07) r2 += 1{{ +}}; R2=scalar(id=1+1,")
fill_then_add:
	call bpf_get_prandom_u32
	r0 &= 0xff
	*(u64 *)(r10 - 8) = r0
	r2 = *(u64 *)(r10 - 8)
	r2 += 1
	if r0 > 5 goto out
	if r2 > 6 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.spill-unlinks-offset") __rule("core.reg.fp-read-only")
__description("spilling a register that carries a delta gives it (and the slot) a fresh id: the link to r0 is gone")
__failure __log_level(2)
__msg("4: (7b) *(u64 *)(r10 -8) = r1{{ +}}; R1=scalar(id=2,")
__msg("frame pointer is read only")
spill_unlinks_offset:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r1 += 1
	*(u64 *)(r10 - 8) = r1
	if r0 > 5 goto out
	r2 = *(u64 *)(r10 - 8)
	if r2 > 6 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.copy-unlinks-offset") __rule("core.reg.fp-read-only")
__description("copying a register that carries a delta gives it a fresh id; the base is not narrowed through the copy")
__failure __log_level(2)
__msg("4: (bf) r2 = r1{{ +}}; R1=scalar(id=2,")
__msg("frame pointer is read only")
copy_unlinks_offset:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r1 += 1
	r2 = r1
	if r2 > 6 goto out
	if r0 > 5 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.too-many-copies") __rule("core.reg.fp-read-only")
__description("one jump syncs at most 6 linked registers; the 7th loses its id, the others are still narrowed")
__success __log_level(2)
__msg("14: (bf) r0 = r6{{ +}}; R0=scalar(id=2,smin=smin32=0,smax=umax=smax32=umax32=255,")
too_many_copies:
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	r2 = r0
	r3 = r0
	r4 = r0
	r5 = r0
	r6 = r0
	if r0 > 5 goto out
	if r1 > 5 goto bad
	r0 = r2
	r0 = r3
	r0 = r4
	r0 = r5
	r0 = r6
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.prune-same-delta") __rule("core.reg.fp-read-only")
__description("two paths that reach the join with the same delta are equivalent: the second is pruned")
__success __log_level(2) __msg("19: safe")
prune_same_delta:
	call bpf_get_prandom_u32
	r6 = r0
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	if r6 > 5 goto a
	r1 += 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	if r6 > 2 goto j
	r2 = 1
	goto j
a:
	if r0 < 1 goto out
	r1 += 1
j:
	if r1 > 9 goto out
	if r0 > 8 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit

SEC("socket") __id("core.linked.prune-delta-mismatch") __rule("core.reg.fp-read-only")
__description("the same ranges with a different delta are not equivalent (regsafe compares reg->off); the second path is explored and fails")
__failure __msg("frame pointer is read only") __log_level(2) __not_msg("19: safe")
prune_delta_mismatch:
	call bpf_get_prandom_u32
	r6 = r0
	call bpf_get_prandom_u32
	r0 &= 0xff
	r1 = r0
	if r6 > 5 goto a
	r1 += 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	r2 = 1
	if r6 > 2 goto j
	r2 = 1
	goto j
a:
	if r0 < 1 goto out
	r1 += 0
j:
	if r1 > 9 goto out
	if r0 > 8 goto bad
	r0 = 0
	exit
bad:
	r10 = 0
out:
	r0 = 0
	exit
