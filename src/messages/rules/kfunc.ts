// Rules for kfunc calls: prototypes and argument checks, KF_* flags, reference tracking
// (acquire/release/leaks), RCU read-side sections and sleepable contexts.
// Ids: kfunc.*, ref.*, rcu.*. Messages are Linux 6.18's, checked on the running kernel.
import { rule } from '../rule.ts';

export const KFUNC_RULES = {
  // --- the call itself (check_kfunc_call, fetch_kfunc_meta) ---
  kfuncNotAllowed: rule('kfunc.prog-type.not-allowed', 'fetch_kfunc_meta', 'A program may call only the kfuncs registered for its program type.', (name: string) => `calling kernel function ${name} is not allowed`),
  kfuncDestructive: rule('kfunc.destructive.cap-sys-boot', 'check_kfunc_call', 'A KF_DESTRUCTIVE kfunc may be called only by a program loaded with CAP_SYS_BOOT.', () => 'destructive kfunc calls require CAP_SYS_BOOT capability'),
  kfuncSleepable: rule('kfunc.sleepable.non-sleepable-prog', 'check_kfunc_call', 'A KF_SLEEPABLE kfunc may be called only from a sleepable program.', (name: string) => `program must be sleepable to call sleepable kfunc ${name}`),

  // --- arguments (check_kfunc_args, get_kfunc_ptr_arg_type, process_kf_arg_ptr_to_btf_id) ---
  kfuncArgNotScalar: rule('kfunc.arg.not-scalar', 'check_kfunc_args', 'A scalar parameter of a kfunc takes a scalar, never a pointer.', (r: number) => `R${r} is not a scalar`),
  kfuncArgNotConst: rule('kfunc.arg.not-constant', 'check_kfunc_args', 'A scalar parameter whose name ends in __k (such as the BTF id of bpf_rdonly_cast) takes a constant the verifier knows.', (r: number) => `R${r} must be a known constant`),
  kfuncArgNull: rule('kfunc.arg.possibly-null', 'check_kfunc_args', 'A kfunc with KF_TRUSTED_ARGS, KF_RCU or KF_RELEASE takes no NULL or maybe-NULL pointer, unless the parameter is __nullable.', (argno: number) => `Possibly NULL pointer passed to trusted arg${argno}`),
  kfuncArgNotTrusted: rule('kfunc.arg.not-trusted', 'check_kfunc_args', 'A kfunc with KF_TRUSTED_ARGS or KF_RELEASE takes only referenced or trusted pointers to kernel objects.', (r: number) => `R${r} must be referenced or trusted`),
  kfuncArgNotRcu: rule('rcu.arg.not-rcu', 'check_kfunc_args', 'A KF_RCU kfunc takes referenced, trusted or RCU-protected pointers to kernel objects.', (r: number) => `R${r} must be a rcu pointer`),
  kfuncArgTypeMismatch: rule('kfunc.arg.type-mismatch', 'process_kf_arg_ptr_to_btf_id', 'A pointer to a kernel object must point to the parameter\'s struct (or, except for release arguments, to a struct that starts with it).', (fn: string, argno: number, kind: string, tname: string, r: number, rkind: string, rname: string) => `kernel function ${fn} args#${argno} expected pointer to ${kind} ${tname} but R${r} has a pointer to ${rkind} ${rname}`),
  kfuncArgUntrusted: rule('kfunc.arg.untrusted-pointer', 'check_kfunc_args', 'No kfunc takes an untrusted or maybe-NULL pointer to a kernel object (RCU pointers pass where allowed); the message names the register type and the trusted form expected.', (argno: number, have: string, want: string) => `arg#${argno} is ${have} expected ${want} or socket`),
  kfuncArgNotCtx: rule('kfunc.arg.not-ctx', 'check_kfunc_args', 'A context parameter (such as the argument of bpf_cast_to_kern_ctx) takes the program\'s context pointer, unmodified.', (argno: number, have: string) => `arg#${argno} expected pointer to ctx, but got ${have}`),
  kfuncArgMemPointee: rule('kfunc.arg.mem-pointee', 'get_kfunc_ptr_arg_type', 'A pointer that is not to a kernel object may only be passed where the parameter points to scalars or to a struct made of scalars.', (argno: number, kind: string, tname: string, voidOk: boolean) => `arg#${argno} pointer type ${kind} ${tname} must point to ${voidOk ? 'void, ' : ''}scalar, or struct with scalar`),
  kfuncArgNotMap: rule('kfunc.arg.not-map', 'check_kfunc_args', 'A kfunc parameter whose name ends in __map (such as the arena of bpf_arena_alloc_pages) takes a map pointer (a map loaded with ld_imm64), nothing else.', (r: number) => `pointer in R${r} isn't map pointer`),
  kfuncArgMemSize: rule('kfunc.arg.mem-size', 'check_kfunc_args', 'A memory argument followed by a __sz size argument must be valid for that many bytes.', (argno: number) => `arg#${argno} arg#${argno + 1} memory, len pair leads to invalid memory access`),
  kfuncArgReleaseOffset: rule('ref.release.nonzero-offset', 'check_func_arg_reg_off', 'A referenced pointer passed to a release kfunc must point to the start of its object.', (r: number) => `R${r} must have zero offset when passed to release func or trusted arg to kfunc`),

  // --- memory a kfunc returns (check_mem_access for PTR_TO_MEM) ---
  kfuncMemOob: rule('kfunc.ret-mem.out-of-bounds', 'check_mem_region_access', 'Memory a kfunc returns (such as the int * of bpf_iter_num_next) may be accessed only within its size; the next line names the end that is outside.', (size: number, off: number, len: number) => `invalid access to memory, mem_size=${size} off=${off} size=${len}`),
  kfuncMemReadOnly: rule('kfunc.ret-mem.read-only', 'check_mem_access', 'Read-only memory a kfunc returns (rdonly_mem, such as the int * of bpf_iter_num_next) may not be written.', (r: number, t: string) => `R${r} cannot write into ${t}`),

  // --- references (acquire_reference, release_reference, check_reference_leak) ---
  refReleaseUnreferenced: rule('ref.release.not-refcounted', 'check_kfunc_args', 'A KF_RELEASE kfunc must be given a pointer that carries a reference (the result of an acquiring kfunc).', (name: string) => `release kernel function ${name} expects refcounted PTR_TO_BTF_ID`),
  refReleaseNotReferenced: rule('ref.release.not-referenced', 'check_func_arg', 'A release helper (such as bpf_sk_release) must be given a pointer that carries a reference, such as the checked result of bpf_sk_lookup_tcp; a socket read from the context has none.', (r: number) => `R${r} must be referenced when passed to release function`),
  refLeakExit: rule('ref.leak.exit', 'check_resource_leak', 'Every acquired reference must be released (or stored) before the main program exits.', (where: string) => `${where} would lead to reference leak`),

  // --- RCU read-side sections (check_kfunc_call, check_resource_leak) ---
  rcuNestedLock: rule('rcu.lock.nested', 'check_kfunc_call', 'bpf_rcu_read_lock() may not be called inside an RCU read-side section (Linux 6.18 does not nest them).', (name: string) => `nested rcu read lock (kernel function ${name})`),
  rcuUnmatchedUnlock: rule('rcu.unlock.unmatched', 'check_kfunc_call', 'bpf_rcu_read_unlock() needs a matching bpf_rcu_read_lock() on the same path.', (name: string) => `unmatched rcu read unlock (kernel function ${name})`),
  rcuSleepableInCs: rule('rcu.sleepable-in-cs', 'check_kfunc_call', 'A KF_SLEEPABLE kfunc may not be called inside an RCU read-side section.', (name: string) => `kernel func ${name} is sleepable within rcu_read_lock region`),
  rcuExitLocked: rule('rcu.exit.locked', 'check_resource_leak', 'The main program may not exit (or tail call) inside an RCU read-side section.', (where: string) => `${where} cannot be used inside bpf_rcu_read_lock-ed region`),

  // --- IRQ-disabled regions: bpf_local_irq_save/restore (process_irq_flag, check_kfunc_call, check_helper_call, check_resource_leak) ---
  irqNotOnStack: rule('kfunc.irq.not-on-stack', 'check_kfunc_args', 'bpf_local_irq_save() and bpf_local_irq_restore() take a pointer to a stack slot for the saved flags.', (argno: number) => `arg#${argno} doesn't point to an irq flag on stack`),
  irqSaveInitialized: rule('kfunc.irq.save-initialized', 'process_irq_flag', 'bpf_local_irq_save() writes the flags into an 8-byte aligned stack slot that does not hold saved flags already.', (argno: number) => `expected uninitialized irq flag as arg#${argno}`),
  irqRestoreUninit: rule('kfunc.irq.restore-uninitialized', 'process_irq_flag', 'bpf_local_irq_restore() takes flags that bpf_local_irq_save() wrote and nothing overwrote since.', (argno: number) => `expected an initialized irq flag as arg#${argno}`),
  irqRestoreOrder: rule('kfunc.irq.restore-order', 'unmark_stack_slot_irq_flag', 'Nested IRQ-disabled regions are restored innermost first.', (id: number, insn: number) => `cannot restore irq state out of order, expected id=${id} acquired at insn_idx=${insn}`),
  irqSleepableKfunc: rule('kfunc.irq.sleepable-kfunc', 'check_kfunc_call', 'A KF_SLEEPABLE kfunc may not be called while interrupts are disabled by bpf_local_irq_save().', (name: string) => `kernel func ${name} is sleepable within IRQ-disabled region`),
  irqSleepableHelper: rule('kfunc.irq.sleepable-helper', 'check_helper_call', 'A helper that may sleep is not callable while interrupts are disabled by bpf_local_irq_save().', (name: string, id: number) => `sleepable helper ${name}#${id} in IRQ-disabled region`),
  irqExit: rule('kfunc.irq.exit-disabled', 'check_resource_leak', 'The main program may not exit (or tail call) with interrupts disabled by bpf_local_irq_save().', (where: string) => `${where} cannot be used inside bpf_local_irq_save-ed region`),

  // --- non-preemptible regions (check_kfunc_call, check_resource_leak) ---
  preemptUnmatched: rule('kfunc.preempt.unmatched-enable', 'check_kfunc_call', 'bpf_preempt_enable() needs a matching bpf_preempt_disable() on the same path.', (name: string) => `unmatched attempt to enable preemption (kernel function ${name})`),
  preemptSleepable: rule('kfunc.preempt.sleepable-in-region', 'check_kfunc_call', 'A KF_SLEEPABLE kfunc may not be called while preemption is disabled.', (name: string) => `kernel func ${name} is sleepable within non-preemptible region`),
  preemptExit: rule('kfunc.preempt.exit-disabled', 'check_resource_leak', 'The main program may not exit while preemption is disabled.', (where: string) => `${where} cannot be used inside bpf_preempt_disable-ed region`),
} as const;
