// Loads through pointers to kernel structs (PTR_TO_BTF_ID): check_ptr_to_btf_access and
// btf_struct_walk of Linux 6.18. Offsets are those of this kernel's vmlinux BTF
// (src/catalog/generated/kernel-types.json): task_struct.pid 1264, .real_parent 1280,
// .mm 1136, .comm 1752 (char[16]), .stack 32 (void *); mm_struct is 1472 bytes and ends with
// the flexible array cpu_bitmap[] at 1472.

SEC("tp_btf/sched_switch") __id("btf.struct.read-pid") __rule("btf.ptr.only-read", "btf.struct.beyond-end", "btf.trust.tp-btf-args")
__description("prev->pid: a scalar field reads an unknown scalar of the load's size")
__success __log_level(2)
__msg("R0=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R2=trusted_ptr_task_struct()")
read_pid:
	r2 = *(u64 *)(r1 + 8)		// struct task_struct *prev
	r0 = *(u32 *)(r2 + 1264)	// prev->pid
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.write-field") __rule("btf.ptr.only-read", "btf.trust.tp-btf-args")
__description("writing prev->pid: kernel structs are read-only to tracing programs")
__failure __msg("only read is supported")
write_field:
	r2 = *(u64 *)(r1 + 8)
	r3 = 1
	*(u32 *)(r2 + 1264) = r3
	r0 = 0
	exit

SEC("socket") __id("btf.struct.store-imm") __rule("btf.ptr.only-read")
__description("a store of an immediate through bpf_get_current_task_btf()'s pointer is a write too")
__failure __msg("only read is supported")
store_imm:
	call bpf_get_current_task_btf
	*(u32 *)(r0 + 1264) = 0
	r0 = 0
	exit

SEC("socket") __id("btf.struct.atomic-add") __rule("btf.ptr.only-read")
__description("an atomic add reads, then writes: the write is refused")
__failure __msg("only read is supported")
atomic_add:
	call bpf_get_current_task_btf
	r1 = 1
	lock *(u32 *)(r0 + 1264) += r1
	r0 = 0
	exit

SEC("socket") __id("btf.struct.current-task-socket") __rule("btf.ptr.only-read")
__description("bpf_get_current_task_btf() is callable from any program type by a CAP_PERFMON loader; its fields can be read")
__success
current_task_socket:
	call bpf_get_current_task_btf
	r1 = *(u32 *)(r0 + 1268)	// tgid
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.beyond-end") __rule("btf.struct.beyond-end")
__description("task_struct is 3264 bytes: a load at 3264 is past its end")
__failure __msg("access beyond struct task_struct at off 3264 size 4")
beyond_end:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 + 3264)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.flexible-array") __rule("btf.struct.beyond-end", "btf.trust.legacy-walk")
__description("past the end of mm_struct, its trailing flexible array cpu_bitmap[] may still be read")
__success
flexible_array:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1136)	// prev->mm
	r0 = *(u64 *)(r3 + 1480)	// mm->cpu_bitmap[1]
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.nested-anon") __rule("btf.struct.beyond-end", "btf.trust.legacy-walk")
__description("offset 0 of mm_struct starts a nested anonymous struct, itself starting with a 4-byte one: the walk descends into it and an 8-byte load no longer fits")
__failure __msg("access beyond struct (anon) at off 0 size 8")
nested_anon:
	r2 = *(u64 *)(r1 + 8)
	r3 = *(u64 *)(r2 + 1136)
	r0 = *(u64 *)(r3 + 0)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.array-scratch") __rule("btf.struct.beyond-member")
__description("comm is char[16]: a load may span several elements as long as it ends inside the array")
__success
array_scratch:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u64 *)(r2 + 1756)	// comm[4..11]
	r0 = *(u8 *)(r2 + 1767)		// comm[15]
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.past-member") __rule("btf.struct.beyond-member")
__description("a 4-byte load at comm[14] runs past the end of comm")
__failure __msg("access beyond the end of member comm (mend:1768) in struct task_struct with off 1766 size 4")
past_member:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 + 1766)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.ptr-half") __rule("btf.struct.ptr-member-whole")
__description("reading half of the real_parent pointer")
__failure __msg("cannot access ptr member real_parent with moff 1280 in struct task_struct with off 1280 size 4")
ptr_half:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 + 1280)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.ptr-middle") __rule("btf.struct.ptr-member-whole")
__description("a load starting inside a pointer member")
__failure __msg("cannot access ptr member real_parent with moff 1280 in struct task_struct with off 1284 size 4")
ptr_middle:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 + 1284)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.ptr-whole") __rule("btf.struct.ptr-member-whole", "btf.ptr.negative-offset")
__description("a pointer member read whole, through a pointer moved by a constant: the fixed offset counts")
__success
ptr_whole:
	r2 = *(u64 *)(r1 + 8)
	r2 += 1288
	r0 = *(u64 *)(r2 - 8)		// off 1280: real_parent
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.negative") __rule("btf.ptr.negative-offset")
__failure __msg("R2 is ptr_task_struct invalid negative access: off=-8")
negative:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 - 8)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.variable-offset") __rule("btf.ptr.variable-offset")
__description("a variable offset cannot be resolved to a field")
__failure __msg("R6 is ptr_task_struct invalid variable offset: off=0, var_off=(0x0; 0x8)")
variable_offset:
	r6 = *(u64 *)(r1 + 8)
	call bpf_get_prandom_u32
	r0 &= 8
	r6 += r0
	r0 = *(u32 *)(r6 + 0)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.constant-offset") __rule("btf.ptr.variable-offset")
__description("a constant added to the pointer is part of the fixed offset, not a variable one")
__success
constant_offset:
	r6 = *(u64 *)(r1 + 8)
	r0 = 8
	r6 += r0
	r0 = *(u32 *)(r6 + 1256)	// off 1264: pid
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.hole") __rule("btf.struct.no-field")
__description("bytes 76..79 of task_struct are padding")
__failure __msg("struct task_struct doesn't have field at offset 76")
hole:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 + 76)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.bitfield-byte") __rule("btf.struct.no-field")
__description("a byte load covering the whole bitfield sched_reset_on_fork (bit 0 of byte 1188)")
__success
bitfield_byte:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u8 *)(r2 + 1188)
	r0 = 0
	exit

SEC("tp_btf/sched_switch") __id("btf.struct.bitfield-partial") __rule("btf.struct.no-field")
__description("bytes 1189-1191 hold no field: the four bitfields before them use bits 0-3 of byte 1188")
__failure __msg("struct task_struct doesn't have field at offset 1189")
bitfield_partial:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u8 *)(r2 + 1189)
	r0 = 0
	exit
