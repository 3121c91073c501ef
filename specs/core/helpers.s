// Helper results: an integer result is an unknown scalar, except where the verifier knows
// more (do_refine_retval_range): bpf_get_smp_processor_id() is a CPU number in
// [0, nr_cpu_ids - 1], so a branch on it being negative is dead code and never explored.

SEC("socket") __id("core.helper.smp-id-nonnegative")
__description("the path where bpf_get_smp_processor_id() < 0 is never explored, so its uninitialised read is not an error")
__success __retval(0)
smp_id_nonnegative:
	call bpf_get_smp_processor_id
	if r0 s< 0 goto negative
	r0 = 0
	exit
negative:
	r0 = r1
	exit

SEC("socket") __id("core.helper.prandom-unknown") __rule("core.reg.read-uninit")
__description("bpf_get_prandom_u32() can be anything in [0, U32_MAX]: both sides of the branch are explored")
__failure __msg("R1 !read_ok")
prandom_unknown:
	call bpf_get_prandom_u32
	if r0 > 7 goto big
	r0 = 0
	exit
big:
	r0 = r1
	exit
