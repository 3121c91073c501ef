// bpf_tail_call(ctx, prog_array, index): jumps through a program array; on failure (empty slot,
// index out of range) execution falls through. The called program starts afresh, so nothing this
// program holds (references, an RCU read-side section) may be outstanding at the call.

struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, int); } jmp_table SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, int); } arr SEC(".maps");

SEC("tc") __id("core.tail-call.prog-array") __rule("core.helper.tail-call-map")
__description("an empty slot: the tail call fails and the program goes on")
__success __retval(7)
prog_array:
	r2 = jmp_table ll
	r3 = 0
	call bpf_tail_call
	r0 = 7
	exit

SEC("tc") __id("core.tail-call.array-map") __rule("core.helper.tail-call-map")
__failure __msg("expected prog array map for tail call")
array_map:
	r2 = arr ll
	r3 = 0
	call bpf_tail_call
	r0 = 0
	exit

SEC("tc") __id("core.tail-call.leaks-reference") __rule("ref.leak.exit")
__description("the task reference would never be released: the called program cannot see it")
__failure __msg("Unreleased reference id={{[0-9]+}} alloc_insn=2") __msg("tail_call would lead to reference leak")
leaks_reference:
	r6 = r1
	r1 = 1
	call bpf_task_from_pid
	r7 = r0
	r1 = r6
	r2 = jmp_table ll
	r3 = 0
	call bpf_tail_call
	if r7 == 0 goto out
	r1 = r7
	call bpf_task_release
out:
	r0 = 0
	exit

SEC("tc") __id("core.tail-call.released-first") __rule("ref.leak.exit")
__success __retval(0)
released_first:
	r6 = r1
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto call
	r1 = r0
	call bpf_task_release
call:
	r1 = r6
	r2 = jmp_table ll
	r3 = 0
	call bpf_tail_call
	r0 = 0
	exit

SEC("tc") __id("core.tail-call.inside-rcu") __rule("rcu.exit.locked")
__failure __msg("tail_call cannot be used inside bpf_rcu_read_lock-ed region")
inside_rcu:
	r6 = r1
	call bpf_rcu_read_lock
	r1 = r6
	r2 = jmp_table ll
	r3 = 0
	call bpf_tail_call
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("syscall") __id("core.map.sleepable-array") __rule("core.map.sleepable-type")
__success
sleepable_array:
	r1 = arr ll
	r0 = 0
	exit

SEC("syscall") __id("core.map.sleepable-prog-array") __rule("core.map.sleepable-type")
__description("syscall programs are sleepable: a program array is refused when the program names it")
__failure __msg("Sleepable programs can only use array, hash, ringbuf and local storage maps")
sleepable_prog_array:
	r1 = jmp_table ll
	r0 = 0
	exit
