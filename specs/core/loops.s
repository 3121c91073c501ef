// Loops: bounded loops are walked iteration by iteration; a state that repeats exactly is
// an infinite loop; too many iterations hit the complexity limit.

SEC("socket") __id("core.loop.bounded") __rule("core.loop.infinite")
__success __retval(5)
bounded:
	r1 = 0
l:
	r1 += 1
	if r1 < 5 goto l
	r0 = r1
	exit

SEC("socket") __id("core.loop.self-jump") __rule("core.loop.infinite")
__failure __msg("infinite loop detected at insn 1")
self_jump:
	r0 = 0
l:
	goto l

SEC("socket") __id("core.loop.no-progress") __rule("core.loop.infinite")
__description("the counter never changes, so the state at the loop head repeats")
__failure __msg("infinite loop detected at insn 1")
no_progress:
	r1 = 0
l:
	r1 += 0
	if r1 < 5 goto l
	r0 = 0
	exit

SEC("socket") __id("core.loop.count-down") __rule("core.loop.infinite")
__success __retval(0)
count_down:
	r1 = 10
l:
	r1 -= 1
	if r1 != 0 goto l
	r0 = r1
	exit

SEC("socket") __id("core.loop.unknown-bound") __rule("core.limit.complexity")
__description("a loop bounded by a random number is walked until the complexity limit")
__failure __msg("BPF program is too large. Processed 1000001 insn")
unknown_bound:
	call bpf_get_prandom_u32
	r1 = 0
l:
	r1 += 1
	if r1 != r0 goto l
	r0 = 0
	exit

SEC("socket") __id("core.loop.pending-branches") __rule("core.limit.jump-sequence")
__description("each iteration leaves one more branch to explore later; at 8193 pending branches the verifier gives up")
__failure __msg("The sequence of 8193 jumps is too complex.")
pending_branches:
	call bpf_get_prandom_u32
	r1 = 0
l:
	if r0 == r1 goto out
	r1 += 1
	goto l
out:
	r0 = 0
	exit

SEC("socket") __id("core.loop.few-pending-branches") __rule("core.limit.jump-sequence", "core.limit.complexity")
__success __retval(0)
few_pending_branches:
	call bpf_get_prandom_u32
	r0 &= 63
	r1 = 0
l:
	if r0 == r1 goto out
	r1 += 1
	if r1 < 64 goto l
out:
	r0 = 0
	exit
