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

SEC("sockops") __id("core.exit.sockops-range") __rule("core.exit.range")
__description("sock_ops programs return 0 or 1 (found by comparing level-2 logs: the kernel marks R0 precise at exit)")
__failure __msg("At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]")
sockops_ret2:
	r0 = 2
	exit

SEC("cgroup_skb/egress") __id("core.exit.cgroup-egress-three") __rule("core.exit.range")
__description("cgroup_skb egress programs may return 2 and 3 as well (congestion notification)")
__success
egress_ret3:
	r0 = 3
	exit

SEC("cgroup_skb/egress") __id("core.exit.cgroup-egress-four") __rule("core.exit.range")
__failure __msg("At program exit the register R0 has smin=4 smax=4 should have been in [0, 3]")
egress_ret4:
	r0 = 4
	exit

SEC("cgroup/bind4") __id("core.exit.bind4-three") __rule("core.exit.range")
__description("bind hooks return 0..3 (bit 1: bypass the CAP_NET_BIND_SERVICE check)")
__success
bind4_ret3:
	r0 = 3
	exit

SEC("cgroup/recvmsg4") __id("core.exit.recvmsg4-one") __rule("core.exit.range")
__description("recvmsg, getpeername and getsockname hooks must return 1")
__failure __msg("At program exit the register R0 has smin=0 smax=0 should have been in [1, 1]")
recvmsg4_ret0:
	r0 = 0
	exit
