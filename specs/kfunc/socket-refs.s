// Socket references (Linux 6.18): bpf_sk_lookup_tcp, bpf_sk_lookup_udp and bpf_skc_lookup_tcp
// are acquiring helpers. Their result (sock_or_null / sock_common_or_null) carries a new
// reference: its id and ref_obj_id are both the reference's id. The NULL branch of a check
// drops the reference; on the other branch it must reach bpf_sk_release (an OBJ_RELEASE
// argument that takes sock_common, sock, tcp_sock or xdp_sock, never NULL), which invalidates
// every copy. The tuple (ctx, &tuple, sizeof(tuple), netns, flags) is read-only stack memory.

SEC("tc") __id("ref.socket.lookup-release") __rule("ref.leak.exit", "ref.release.not-referenced")
__description("a checked lookup result is a referenced sock; bpf_sk_release gives the reference back")
__success __log_level(2) __msg("R0=sock_or_null(id=2,ref_obj_id=2) refs=2") __msg("R1=sock(ref_obj_id=2) refs=2")
lookup_release:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_tcp
	if r0 == 0 goto out
	r1 = r0
	call bpf_sk_release
out:
	r0 = 0
	exit

SEC("tc") __id("ref.socket.leak") __rule("ref.leak.exit")
__description("a socket that is looked up and never released is a reference leak at exit")
__failure __msg("Unreleased reference id=2 alloc_insn=8") __msg("BPF_EXIT instruction in main prog would lead to reference leak")
leak:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_tcp
	if r0 == 0 goto out
	r6 = r0
out:
	r0 = 0
	exit

SEC("tc") __id("ref.socket.release-unchecked") __rule("core.helper.arg-type")
__description("bpf_sk_release takes no maybe-NULL pointer: the lookup result must be checked first")
__failure __msg("R1 type=sock_or_null expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_")
release_unchecked:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_tcp
	r1 = r0
	call bpf_sk_release
	r0 = 0
	exit

SEC("tc") __id("ref.socket.release-null") __rule("core.helper.arg-type")
__description("nor a NULL constant: the argument is not nullable")
__failure __msg("R1 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_")
release_null:
	r1 = 0
	call bpf_sk_release
	r0 = 0
	exit

SEC("tc") __id("ref.socket.release-twice") __rule("core.helper.arg-type")
__description("releasing invalidates every copy (an unknown scalar for root), so a second release is a type error")
__failure __msg("R1 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_")
release_twice:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_tcp
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_sk_release
	r1 = r6
	call bpf_sk_release
out:
	r0 = 0
	exit

SEC("tc") __id("ref.socket.release-unreferenced") __rule("ref.release.not-referenced")
__description("skb->sk is a socket without a reference: checked, it has the right type but cannot be released")
__failure __msg("R1 must be referenced when passed to release function")
release_unreferenced:
	r2 = *(u64 *)(r1 + 168)
	if r2 == 0 goto out
	r1 = r2
	call bpf_sk_release
out:
	r0 = 0
	exit

SEC("tc") __id("ref.socket.use-after-release") __rule("core.mem.invalid-type")
__description("a copy kept across the release is no longer a pointer")
__failure __msg("R6 invalid mem access 'scalar'")
use_after_release:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_tcp
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	call bpf_sk_release
	r0 = *(u32 *)(r6 + 0)
out:
	r0 = 0
	exit

SEC("tc") __id("ref.socket.check-copy") __rule("ref.leak.exit")
__description("checking a copy checks every register with the same id: R0 is released after r6 is checked")
__success
check_copy:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_tcp
	r6 = r0
	if r6 == 0 goto out
	r1 = r0
	call bpf_sk_release
out:
	r0 = 0
	exit

SEC("xdp") __id("ref.socket.udp-xdp") __rule("ref.leak.exit")
__description("bpf_sk_lookup_udp works the same way, here from XDP")
__success
udp_xdp:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_sk_lookup_udp
	if r0 == 0 goto out
	r1 = r0
	call bpf_sk_release
out:
	r0 = 2
	exit

SEC("sk_skb") __id("ref.socket.skc-leak") __rule("ref.leak.exit")
__description("bpf_skc_lookup_tcp returns sock_common_or_null, also referenced")
__failure __log_level(2) __msg("R0=sock_common_or_null(id=2,ref_obj_id=2) refs=2") __msg("Unreleased reference id=2 alloc_insn=8")
skc_leak:
	r2 = 0
	*(u64 *)(r10 - 16) = r2
	*(u64 *)(r10 - 8) = r2
	r2 = r10
	r2 += -16
	r3 = 12
	r4 = -1
	r5 = 0
	call bpf_skc_lookup_tcp
	r0 = 0
	exit
