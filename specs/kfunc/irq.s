// IRQ-disabled regions (Linux 6.18): bpf_local_irq_save(&flags) writes the saved flags into one
// stack slot (typed 'f') and takes an IRQ reference; bpf_local_irq_restore(&flags) gives it back.
// Regions nest and close innermost first; inside one nothing may sleep, and the main program may
// not exit with one open.

SEC("syscall") __id("kfunc.irq.nested-in-order")
__rule("kfunc.irq.not-on-stack", "kfunc.irq.save-initialized", "kfunc.irq.restore-uninitialized", "kfunc.irq.restore-order", "kfunc.irq.exit-disabled", "kfunc.irq.sleepable-kfunc", "kfunc.irq.sleepable-helper")
__description("two nested regions, restored innermost first; sleeping is fine again afterwards")
__success __log_level(2) __msg("call bpf_local_irq_save#{{[0-9]+}}         ; fp-16=ffffffff refs=1,2")
nested_in_order:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r1 = r10
	r1 += -16
	call bpf_local_irq_save
	r1 = r10
	r1 += -16
	call bpf_local_irq_restore
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r1 = r10
	r1 += -32
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	r0 = 0
	exit

SEC("socket") __id("kfunc.irq.any-program")
__description("the pair is in the common kfunc set: any program type may disable interrupts")
__success
any_program:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.restore-uninit") __rule("kfunc.irq.restore-uninitialized")
__failure __msg("expected an initialized irq flag as arg#0")
restore_uninit:
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.save-twice") __rule("kfunc.irq.save-initialized")
__failure __msg("expected uninitialized irq flag as arg#0")
save_twice:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.misaligned") __rule("kfunc.irq.save-initialized")
__failure __msg("cannot pass in irq_flag at an offset=-12") __msg("expected uninitialized irq flag as arg#0")
misaligned:
	r1 = r10
	r1 += -12
	call bpf_local_irq_save
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.exit-disabled") __rule("kfunc.irq.exit-disabled")
__failure __msg("BPF_EXIT instruction in main prog cannot be used inside bpf_local_irq_save-ed region")
exit_disabled:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.out-of-order") __rule("kfunc.irq.restore-order")
__failure __msg("cannot restore irq state out of order, expected id=2 acquired at insn_idx=5")
out_of_order:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r1 = r10
	r1 += -16
	call bpf_local_irq_save
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r1 = r10
	r1 += -16
	call bpf_local_irq_restore
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.sleepable-helper") __rule("kfunc.irq.sleepable-helper")
__failure __msg("sleepable helper bpf_copy_from_user#148 in IRQ-disabled region")
sleep_helper:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r1 = r10
	r1 += -32
	r2 = 16
	r3 = 0
	call bpf_copy_from_user
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.not-on-stack") __rule("kfunc.irq.not-on-stack")
__failure __msg("arg#0 doesn't point to an irq flag on stack")
not_stack:
	r1 = 0
	call bpf_local_irq_save
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.overwritten") __rule("kfunc.irq.restore-uninitialized")
__description("a store into the flags slot turns it into plain data: the region cannot be closed any more")
__failure __msg("expected an initialized irq flag as arg#0")
overwrite:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r1 = 0
	*(u64 *)(r10 - 8) = r1
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.read-slot") __rule("core.stack.read-uninit")
__failure __msg("invalid read from stack off -8+0 size 8")
read_slot:
	r1 = r10
	r1 += -8
	call bpf_local_irq_save
	r0 = *(u64 *)(r10 - 8)
	r1 = r10
	r1 += -8
	call bpf_local_irq_restore
	r0 = 0
	exit

SEC("syscall") __id("kfunc.irq.at-frame-top") __rule("core.stack.out-of-bounds")
__description("the flags slot at fp+0 lies above the frame: bpf_local_irq_save's write is out of bounds")
__failure __msg("invalid write to stack R1 off=0 size=8")
at_frame_top:
	r1 = r10
	call bpf_local_irq_save
	r0 = 0
	exit
