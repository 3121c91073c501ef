// Open-coded iterators as kfunc callers see them (Linux 6.18): bpf_iter_<type>_new (KF_ITER_NEW)
// builds the iterator in stack slots and takes a reference, _next (KF_ITER_NEXT | KF_RET_NULL)
// forks the path into "element" and "drained", _destroy (KF_ITER_DESTROY) releases it. The
// slots are typed 'i' while the iterator lives; the stack rules, the reference rules and
// KF_RET_NULL all apply to them.

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, long); __type(value, long); } hmap SEC(".maps");

SEC("socket") __id("kfunc.iter.num-read-element") __rule("kfunc.ret-mem.out-of-bounds", "kfunc.ret-mem.read-only", "iter.arg.not-on-stack", "iter.new.already-initialized", "iter.arg.uninitialized")
__description("bpf_iter_num_next returns a read-only int: 4 bytes may be read once the pointer is checked")
__success __log_level(2) __msg("R0=rdonly_mem(id=2,ref_obj_id=1,sz=4)")
num_read_element:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
loop:
	r1 = r10
	r1 += -8
	call bpf_iter_num_next
	if r0 == 0 goto done
	r6 = *(u32 *)(r0 + 0)
	goto loop
done:
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.num-write-element") __rule("kfunc.ret-mem.read-only")
__description("the element is read-only memory")
__failure __msg("R0 cannot write into rdonly_mem")
num_write_element:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r1 = r10
	r1 += -8
	call bpf_iter_num_next
	if r0 == 0 goto done
	r6 = 1
	*(u32 *)(r0 + 0) = r6
done:
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.num-read-too-wide") __rule("kfunc.ret-mem.out-of-bounds")
__description("the element is 4 bytes: an 8-byte load is outside it")
__failure __msg("invalid access to memory, mem_size=4 off=0 size=8") __msg("R0 min value is outside of the allowed memory range")
num_read_too_wide:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r1 = r10
	r1 += -8
	call bpf_iter_num_next
	if r0 == 0 goto done
	r6 = *(u64 *)(r0 + 0)
done:
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.variable-offset") __rule("iter.new.already-initialized")
__description("the iterator must be at a constant stack offset")
__failure __msg("iter has to be at a constant offset") __msg("expected uninitialized iter_num as arg #0")
variable_offset:
	call bpf_get_prandom_u32
	r0 &= 8
	r1 = r10
	r1 += -16
	r1 += r0
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.misaligned") __rule("iter.new.already-initialized")
__description("the iterator's slots are 8-byte aligned")
__failure __msg("cannot pass in iter at an offset=-12") __msg("expected uninitialized iter_num as arg #0")
misaligned:
	r1 = r10
	r1 += -12
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r0 = 0
	exit

SEC("syscall") __id("kfunc.iter.no-room") __rule("iter.new.already-initialized")
__description("a 24-byte task iterator at fp-8 would run past the frame's top")
__failure __msg("cannot pass in iter at an offset=-8") __msg("expected uninitialized iter_task as arg #0")
no_room:
	call bpf_rcu_read_lock
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 0
	call bpf_iter_task_new
	call bpf_rcu_read_unlock
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.double-destroy") __rule("iter.arg.uninitialized")
__description("_destroy ends the iterator: a second _destroy finds no iterator")
__failure __msg("expected an initialized iter_num as arg #0")
double_destroy:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.wrong-type") __rule("iter.arg.uninitialized")
__description("_next of one iterator type does not take another type's iterator")
__failure __msg("expected an initialized iter_bits as arg #0")
wrong_type:
	r1 = r10
	r1 += -16
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r1 = r10
	r1 += -16
	call bpf_iter_bits_next
	r1 = r10
	r1 += -16
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("tc") __id("kfunc.iter.css-task-tc") __rule("iter.css-task.prog-type")
__description("the css task iterator is refused in a tc program (not LSM, iter or sleepable)")
__failure __msg("css_task_iter is only allowed in bpf_lsm, bpf_iter and sleepable progs")
css_task_tc:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	r1 = r10
	r1 += -8
	r2 = r6
	r3 = 0
	call bpf_iter_css_task_new
	r1 = r10
	r1 += -8
	call bpf_iter_css_task_destroy
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("syscall") __id("kfunc.iter.css-task-syscall") __rule("iter.css-task.prog-type")
__description("a syscall program is sleepable, so it may walk a cgroup's tasks; the tasks are trusted")
__success
css_task_syscall:
	r1 = 1
	call bpf_cgroup_from_id
	if r0 == 0 goto out
	r6 = r0
	r1 = r10
	r1 += -8
	r2 = r6
	r3 = 0
	call bpf_iter_css_task_new
loop:
	r1 = r10
	r1 += -8
	call bpf_iter_css_task_next
	if r0 == 0 goto done
	r1 = r0
	r2 = 0
	r3 = 0
	r4 = 0
	call bpf_send_signal_task
	goto loop
done:
	r1 = r10
	r1 += -8
	call bpf_iter_css_task_destroy
	r1 = r6
	call bpf_cgroup_release
out:
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.helper-reads-slot") __rule("core.helper.stack-uninit")
__description("a helper may not read an iterator's slots as its memory argument (here a map key)")
__failure __msg("invalid read from stack R2 off -8+0 size 8")
helper_reads_slot:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 10
	call bpf_iter_num_new
	r1 = hmap ll
	r2 = r10
	r2 += -8
	call bpf_map_lookup_elem
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit

SEC("socket") __id("kfunc.iter.at-frame-top") __rule("core.stack.out-of-bounds")
__description("an iterator at fp+0 lies above the frame: _new's write is out of bounds")
__failure __msg("invalid write to stack R1 off=0 size=8")
at_frame_top:
	r1 = r10
	r2 = 0
	r3 = 1
	call bpf_iter_num_new
	r0 = 0
	exit
