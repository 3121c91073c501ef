// Which program types may call a kfunc (fetch_kfunc_meta → btf_kfunc_id_set_contains, Linux
// 6.18): a kfunc set is registered for a few program types, and each program type consults one
// kfunc hook. tracepoint, perf_event and tracing programs share the tracing hook; every cgroup
// program type and sock_ops share the cgroup hook; the common set (bpf_rcu_read_lock, ...) is
// open to all. Sets: generic (task and cgroup kfuncs: tracing, tc, xdp, struct_ops, syscall,
// cgroup), cpumask (tracing, struct_ops, syscall), rstat (tracing only).

SEC("socket") __id("kfunc.prog-type.socket-task-from-pid") __rule("kfunc.prog-type.not-allowed")
__description("socket filters have no kfunc hook of their own for the generic set: bpf_task_from_pid is refused")
__failure __msg("calling kernel function bpf_task_from_pid is not allowed")
socket_task_from_pid:
	r1 = 1
	call bpf_task_from_pid
	r0 = 0
	exit

SEC("tc") __id("kfunc.prog-type.tc-task-from-pid") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit")
__description("tc (sched_cls) programs may call the generic task kfuncs")
__success
tc_task_from_pid:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("raw_tp/sched_switch") __id("kfunc.prog-type.raw-tp-cgroup-from-id") __rule("kfunc.prog-type.not-allowed")
__description("raw tracepoints are not tracing programs: the generic set is not registered for them")
__failure __msg("calling kernel function bpf_cgroup_from_id is not allowed")
raw_tp_cgroup_from_id:
	r1 = 1
	call bpf_cgroup_from_id
	r0 = 0
	exit

SEC("kprobe/do_nanosleep") __id("kfunc.prog-type.kprobe-task-from-pid") __rule("kfunc.prog-type.not-allowed")
__description("kprobes have their own kfunc hook, which the generic set does not use")
__failure __msg("calling kernel function bpf_task_from_pid is not allowed")
kprobe_task_from_pid:
	r1 = 1
	call bpf_task_from_pid
	r0 = 0
	exit

SEC("tracepoint/syscalls/sys_enter_nanosleep") __id("kfunc.prog-type.tracepoint-cgroup-from-id") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit")
__description("classic tracepoints use the tracing hook in 6.18, so they see the generic set")
__success
tracepoint_cgroup_from_id:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r1 = r0
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("perf_event") __id("kfunc.prog-type.perf-event-cpumask") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit")
__description("perf_event programs use the tracing hook too, where the cpumask set is registered")
__success
perf_event_cpumask:
	call bpf_cpumask_create
	if r0 == 0 goto out
	r1 = r0
	call bpf_cpumask_release
out:
	r0 = 0
	exit

SEC("tc") __id("kfunc.prog-type.tc-cpumask") __rule("kfunc.prog-type.not-allowed")
__description("the cpumask set is registered for tracing, struct_ops and syscall programs only")
__failure __msg("calling kernel function bpf_cpumask_create is not allowed")
tc_cpumask:
	call bpf_cpumask_create
	r0 = 0
	exit

SEC("cgroup_skb/ingress") __id("kfunc.prog-type.cgroup-skb-task") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit")
__description("cgroup_skb programs see the generic set through the cgroup hook")
__success
cgroup_skb_task:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 1
	exit

SEC("cgroup/sock_create") __id("kfunc.prog-type.cgroup-sock-task") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit")
__description("the generic set is registered for BPF_PROG_TYPE_CGROUP_SKB, but the hook is shared by every cgroup program type")
__success
cgroup_sock_task:
	r1 = 1
	call bpf_task_from_vpid
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 1
	exit

SEC("sockops") __id("kfunc.prog-type.sockops-cgroup") __rule("kfunc.prog-type.not-allowed", "ref.leak.exit")
__description("sock_ops programs share the cgroup kfunc hook")
__success
sockops_cgroup:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r1 = r0
	call bpf_cgroup_release
out:
	r0 = 1
	exit

SEC("sk_skb") __id("kfunc.prog-type.sk-skb-task") __rule("kfunc.prog-type.not-allowed")
__description("sk_skb programs have a hook of their own, without the generic set")
__failure __msg("calling kernel function bpf_task_from_pid is not allowed")
sk_skb_task:
	r1 = 1
	call bpf_task_from_pid
	r0 = 0
	exit

SEC("lwt_in") __id("kfunc.prog-type.lwt-cgroup") __rule("kfunc.prog-type.not-allowed")
__description("lightweight-tunnel programs get no task or cgroup kfuncs")
__failure __msg("calling kernel function bpf_cgroup_from_id is not allowed")
lwt_cgroup:
	r1 = 1
	call bpf_cgroup_from_id
	r0 = 0
	exit

SEC("syscall") __id("kfunc.prog-type.syscall-rstat") __rule("kfunc.prog-type.not-allowed")
__description("the cgroup rstat kfuncs are registered for tracing programs only")
__failure __msg("calling kernel function css_rstat_updated is not allowed")
syscall_rstat:
	r1 = 0
	r2 = 0
	call css_rstat_updated
	r0 = 0
	exit

SEC("socket") __id("kfunc.prog-type.socket-rcu-lock") __rule("kfunc.prog-type.not-allowed", "rcu.exit.locked")
__description("bpf_rcu_read_lock/unlock are in the common set: any program type may call them")
__success __retval(0)
socket_rcu_lock:
	call bpf_rcu_read_lock
	call bpf_rcu_read_unlock
	r0 = 0
	exit
