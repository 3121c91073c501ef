// Program exit: R0 must be set; some program types bound the return value.

SEC("socket") __id("core.exit.r0-unset") __rule("core.reg.read-uninit")
__failure __msg("R0 !read_ok")
r0_unset:
	exit

SEC("socket") __id("core.exit.pointer-socket") __rule("core.exit.not-scalar")
__description("privileged socket filters may return a pointer; unprivileged ones may not")
__success
pointer_socket:
	r0 = r10
	exit

SEC("cgroup_skb/ingress") __id("core.exit.pointer-cgroup-skb") __rule("core.exit.not-scalar")
__failure __msg("At program exit the register R0 is not a known value (fp)")
pointer_cgroup_skb:
	r0 = r10
	exit

SEC("cgroup_skb/ingress") __id("core.exit.cgroup-skb-range") __rule("core.exit.range")
__failure __msg("At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]")
cgroup_skb_range:
	r0 = 2
	exit

SEC("cgroup_skb/ingress") __id("core.exit.cgroup-skb-ok") __rule("core.exit.range", "core.exit.not-scalar")
__success
cgroup_skb_ok:
	r0 = 1
	exit

SEC("cgroup_skb/ingress") __id("core.exit.cgroup-skb-unknown") __rule("core.exit.range")
__failure __msg("At program exit the register R0 has unknown scalar value should have been in [0, 1]")
cgroup_skb_unknown:
	call bpf_get_prandom_u32
	exit

SEC("cgroup_skb/ingress") __id("core.exit.cgroup-skb-masked") __rule("core.exit.range")
__success
cgroup_skb_masked:
	call bpf_get_prandom_u32
	r0 &= 1
	exit
