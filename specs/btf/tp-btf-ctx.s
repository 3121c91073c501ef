// BTF-typed contexts of tp_btf programs (btf_ctx_access, Linux 6.18). The context is an array
// of u64, one per tracepoint argument (the btf_trace_<name> prototype without its leading
// void *__data): sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next,
// unsigned int prev_state) has slots at 0, 8, 16 and 24.

SEC("tp_btf/sched_switch") __id("btf.ctx.prev-next") __rule("btf.trust.tp-btf-args", "btf.ctx.pointer-arg-size")
__description("struct pointer arguments load as trusted BTF pointers; the log names the BTF type")
__success __log_level(2)
__msg("func 'sched_switch' arg1 has btf_id 114 type STRUCT 'task_struct'")
__msg("R2=trusted_ptr_task_struct()")
__msg("func 'sched_switch' arg2 has btf_id 114 type STRUCT 'task_struct'")
prev_next:
	r2 = *(u64 *)(r1 + 8)		// prev
	r3 = *(u64 *)(r1 + 16)		// next
	r0 = *(u32 *)(r3 + 1264)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.pointer-narrow") __rule("btf.ctx.pointer-arg-size")
__description("a pointer argument read with a 4-byte load")
__failure __msg("func 'sched_switch' size 4 must be 8")
__msg("invalid bpf_context access off=8 size=4")
pointer_narrow:
	r2 = *(u32 *)(r1 + 8)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.scalar-narrow") __rule("btf.ctx.scalar-args")
__description("scalar arguments (bool preempt, unsigned int prev_state) may be read at their own size")
__success __log_level(2)
__msg("R2=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))")
scalar_narrow:
	r2 = *(u8 *)(r1 + 0)		// preempt
	r3 = *(u32 *)(r1 + 24)		// prev_state
	r0 = 0
	exit

SEC("tp_btf/cgroup_mkdir") __id("btf.ctx.char-pointer") __rule("btf.ctx.scalar-args", "core.mem.invalid-type")
__description("cgroup_mkdir's path is a char *: a pointer to an integer type is just a scalar, not dereferenceable")
__failure __msg("R3 invalid mem access 'scalar'")
char_pointer:
	r3 = *(u64 *)(r1 + 8)		// const char *path
	r0 = *(u8 *)(r3 + 0)
	r0 = 0
	exit

SEC("tp_btf/bpf_test_finish") __id("btf.ctx.int-pointer") __rule("btf.ctx.scalar-args")
__description("an int * argument loads a scalar")
__success __log_level(2)
__msg("R2=scalar()")
int_pointer:
	r2 = *(u64 *)(r1 + 0)		// int *err
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.not-slot-aligned") __rule("btf.ctx.offset-multiple-of-8")
__failure __msg("func 'sched_switch' offset 4 is not multiple of 8")
__msg("invalid bpf_context access off=4 size=4")
not_slot_aligned:
	r2 = *(u32 *)(r1 + 4)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.slot-aligned") __rule("btf.ctx.offset-multiple-of-8", "btf.ctx.no-such-argument")
__description("the last argument, prev_state, at slot 3")
__success
slot_aligned:
	r2 = *(u64 *)(r1 + 24)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.past-last-arg") __rule("btf.ctx.no-such-argument")
__description("sched_switch has 4 arguments: slot 4 would be a return value, which tracepoints do not have")
__failure __msg("func 'sched_switch' doesn't have 5-th argument")
past_last_arg:
	r2 = *(u64 *)(r1 + 32)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.far-past-last-arg") __rule("btf.ctx.no-such-argument")
__description("further out, the kernel's index counts the prototype's void *__data and the return slot: slot 5 is reported as the 7-th argument")
__failure __msg("func 'sched_switch' doesn't have 7-th argument")
far_past_last_arg:
	r2 = *(u64 *)(r1 + 40)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.beyond-12-args") __rule("core.ctx.invalid-access")
__description("past the 12 argument slots nothing is logged but the refusal")
__failure __msg("invalid bpf_context access off=96 size=8")
__not_msg("func 'sched_switch'")
beyond_12_args:
	r2 = *(u64 *)(r1 + 96)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.ctx.write") __rule("core.ctx.invalid-access")
__description("tp_btf arguments are read-only")
__failure __msg("invalid bpf_context access off=0 size=8")
ctx_write:
	r2 = 0
	*(u64 *)(r1 + 0) = r2
	r0 = 0
	exit

SEC("tp_btf/kfree_skb") __id("btf.ctx.rx-sk-checked") __rule("btf.ctx.nullable-args", "btf.ptr.maybe-null")
__description("kfree_skb's rx_sk is in the kernel's raw_tp_null_args table: trusted_ptr_or_null_, usable after a NULL check")
__success __log_level(2)
__msg("R2=trusted_ptr_or_null_sock(id=1)")
__msg("R2=trusted_ptr_sock()")
rx_sk_checked:
	r2 = *(u64 *)(r1 + 24)		// struct sock *rx_sk
	if r2 == 0 goto out
	r0 = *(u32 *)(r2 + 0)
out:
	r0 = 0
	exit

SEC("tp_btf/kfree_skb") __id("btf.ctx.rx-sk-unchecked") __rule("btf.ctx.nullable-args", "btf.ptr.maybe-null")
__failure __msg("R2 invalid mem access 'trusted_ptr_or_null_'")
rx_sk_unchecked:
	r2 = *(u64 *)(r1 + 24)
	r0 = *(u32 *)(r2 + 0)
	r0 = 0
	exit

SEC("tp_btf/mm_page_alloc") __id("btf.ctx.page-unchecked") __rule("btf.ctx.nullable-args", "btf.ptr.maybe-null")
__description("mm_page_alloc's page may be NULL too")
__failure __msg("R2 invalid mem access 'trusted_ptr_or_null_'")
page_unchecked:
	r2 = *(u64 *)(r1 + 0)		// struct page *page
	r0 = *(u64 *)(r2 + 0)
	r0 = 0
	exit

SEC("tp_btf/kfree_skb") __id("btf.ctx.skb-not-null") __rule("btf.ctx.nullable-args", "btf.ctx.scalar-args")
__description("the other arguments of kfree_skb are not in the table; reason is an enum, a scalar")
__success __log_level(2)
__msg("R2=trusted_ptr_sk_buff()")
skb_not_null:
	r2 = *(u64 *)(r1 + 0)		// struct sk_buff *skb
	r3 = *(u32 *)(r1 + 16)		// enum skb_drop_reason reason
	r0 = *(u32 *)(r2 + 112)
	r0 = 0
	exit
