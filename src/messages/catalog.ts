// The message catalogue: every rejection the model can emit, as the rule that fires, the
// kernel's exact text (Linux 6.18 wording, the default profile) and the kernel function that
// prints it. Code refers to entries here, never to inline strings, so `grep -r <rule id>`
// finds the rule, its message, its examples and its page.

import { rule, ruleNoNewline, type Rule } from './rule.ts';
import { KFUNC_RULES } from './rules/kfunc.ts';
import { BTF_PTR_RULES } from './rules/btf-ptr.ts';
import { KPTR_RULES } from './rules/kptr.ts';
import { ITER_RULES } from './rules/iter.ts';

export type { Rule };

/** Core verifier machinery (issue 2). Kfunc, reference and RCU rules live in rules/kfunc.ts; BTF pointer rules in rules/btf-ptr.ts. */
const CORE_RULES = {
  // --- program structure (check_subprogs, check_cfg, resolve_pseudo_ldimm64) ---
  unknownOpcode: rule('core.insn.unknown-opcode', 'resolve_pseudo_ldimm64', 'Every instruction must have an opcode of the eBPF ISA.', (code: number) => `unknown opcode ${code.toString(16).padStart(2, '0')}`),
  ldImm64Invalid: rule('core.insn.ldimm64-invalid', 'resolve_pseudo_ldimm64', 'A 64-bit immediate load needs its second slot, which must have code 0 and no register fields.', () => 'invalid bpf_ld_imm64 insn'),
  ldImm64Unknown: rule('core.insn.ldimm64-unknown-src', 'resolve_pseudo_ldimm64', 'A 64-bit immediate load uses a known pseudo source.', () => 'unrecognized bpf_ld_imm64 insn'),
  callInvalidDest: rule('core.cfg.call-invalid-destination', 'add_subprog', 'A bpf-to-bpf call must target an instruction inside the program.', () => 'call to invalid destination'),
  jumpOutOfRange: rule('core.cfg.jump-out-of-range', 'check_subprogs', 'A jump must stay inside its own subprogram.', (from: number, to: number) => `jump out of range from insn ${from} to ${to}`),
  lastInsnNotExit: rule('core.cfg.last-insn-not-exit', 'check_subprogs', 'The last instruction of every subprogram is an exit or an unconditional jump.', () => 'last insn is not an exit or jmp'),
  unreachableInsn: rule('core.cfg.unreachable-insn', 'check_cfg', 'Every instruction must be reachable from the program entry.', (i: number) => `unreachable insn ${i}`),
  mapNotFound: rule('core.insn.map-reference', 'resolve_pseudo_ldimm64', 'A map reference must name a map of the program.', (fd: number) => `fd ${fd} is not pointing to valid bpf_map`),

  // --- registers ---
  regNotInit: rule('core.reg.read-uninit', 'check_reg_arg', 'A register must be written before it is read.', (r: number) => `R${r} !read_ok`),
  regInvalid: rule('core.reg.invalid-number', 'check_reg_arg', 'Only registers R0 to R10 exist.', (r: number) => `R${r} is invalid`),
  fpReadOnly: rule('core.reg.fp-read-only', 'check_reg_arg', 'R10, the frame pointer, is read-only.', () => 'frame pointer is read only'),

  // --- ALU ---
  aluReserved: rule('core.alu.reserved-fields', 'check_alu_op', 'ALU instructions leave unused fields zero.', (what: string) => `${what} uses reserved fields`),
  divByZero: rule('core.alu.div-by-zero', 'check_alu_op', 'Division or modulo by the constant zero is rejected.', () => 'div by zero'),
  invalidShift: rule('core.alu.invalid-shift', 'check_alu_op', 'A shift by a constant must be smaller than the operand width.', (n: number) => `invalid shift ${n}`),
  ptrArith32: rule('core.ptr.alu32', 'adjust_ptr_min_max_vals', 'Pointer arithmetic is 64-bit only.', (r: number) => `R${r} 32-bit pointer arithmetic prohibited`),
  ptrArithNull: rule('core.ptr.arith-on-maybe-null', 'adjust_ptr_min_max_vals', 'A pointer that may be NULL must be NULL-checked before arithmetic.', (r: number, t: string) => `R${r} pointer arithmetic on ${t} prohibited, null-check it first`),
  ptrArithType: rule('core.ptr.arith-prohibited-type', 'adjust_ptr_min_max_vals', 'Some pointer types (map pointers, packet end, sockets, ...) allow no arithmetic.', (r: number, t: string) => `R${r} pointer arithmetic on ${t} prohibited`),
  ptrBitwise: rule('core.ptr.bitwise', 'adjust_ptr_min_max_vals', 'Only addition and subtraction apply to pointers.', (r: number, op: string) => `R${r} bitwise operator ${op} on pointer prohibited`),
  ptrArithOp: rule('core.ptr.arith-operator', 'adjust_ptr_min_max_vals', 'Only addition and subtraction apply to pointers.', (r: number, op: string) => `R${r} pointer arithmetic with ${op} operator prohibited`),
  ptrSubFromScalar: rule('core.ptr.sub-from-scalar', 'adjust_ptr_min_max_vals', 'A pointer cannot be subtracted from a scalar.', (r: number) => `R${r} tried to subtract pointer from scalar`),
  ptrSubFromStack: rule('core.ptr.sub-from-fp', 'adjust_ptr_min_max_vals', 'Nothing can be subtracted from a stack pointer; add a negative value instead.', (r: number) => `R${r} subtraction from stack pointer prohibited`),
  ptrPtrOp: rule('core.ptr.pointer-op-pointer', 'adjust_reg_min_max_vals', 'Two pointers can only be subtracted.', (r: number, op: string) => `R${r} pointer ${op} pointer prohibited`),
  ptrMathConst: rule('core.ptr.offset-too-large', 'check_reg_sane_offset', 'A constant added to a pointer must be within ±2^29.', (t: string, v: string) => `math between ${t} pointer and ${v} is not allowed`),
  ptrMathUnbounded: rule('core.ptr.unbounded-min', 'check_reg_sane_offset', 'A variable added to a pointer must have a bounded minimum.', (t: string) => `math between ${t} pointer and register with unbounded min value is not allowed`),
  ptrOffTooLarge: rule('core.ptr.fixed-offset-too-large', 'check_reg_sane_offset', "A pointer's offset must stay within ±2^29.", (t: string, off: number) => `${t} pointer offset ${off} is not allowed`),
  ptrValueOob: rule('core.ptr.value-out-of-bounds', 'check_reg_sane_offset', "A pointer's variable offset must stay within ±2^29.", (v: string, t: string) => `value ${v} makes ${t} pointer be out of bounds`),

  // --- memory ---
  invalidMemAccess: rule('core.mem.invalid-type', 'check_mem_access', 'Only pointers to memory can be dereferenced; a scalar or a maybe-NULL pointer cannot.', (r: number, t: string) => `R${r} invalid mem access '${t}'`),
  stackOutOfBounds: rule('core.stack.out-of-bounds', 'check_stack_access_within_bounds', 'Stack accesses stay within the 512-byte frame below R10.', (kind: string, r: number, off: number, size: number) => `invalid ${kind} stack R${r} off=${off} size=${size}`),
  stackVarOutOfBounds: rule('core.stack.var-out-of-bounds', 'check_stack_access_within_bounds', 'Variable-offset stack accesses stay within the frame for every possible offset.', (kind: string, r: number, varOff: string, off: number, size: number) => `invalid variable-offset ${kind} stack R${r} var_off=${varOff} off=${off} size=${size}`),
  stackVarUnbounded: rule('core.stack.var-unbounded', 'check_stack_access_within_bounds', 'A variable stack offset must be bounded within ±2^29.', (kind: string, r: number) => `invalid unbounded variable-offset ${kind} stack R${r}`),
  spillFpToCaller: rule('core.stack.spill-fp-to-caller', 'check_stack_write_fixed_off', "A callee cannot store a pointer to its own stack into its caller's stack.", () => 'cannot spill pointers to stack into stack frame of the caller'),
  misaligned: rule('core.mem.misaligned', 'check_generic_ptr_alignment', 'Atomic instructions (and every access when the program asks for strict alignment) must be naturally aligned.', (desc: string, varOff: string, regOff: number, off: number, size: number) => `misaligned ${desc}access off ${varOff}+${regOff}+${off} size ${size}`),
  atomicStorePtrType: rule('core.atomic.pointer-type', 'check_atomic_rmw', 'Atomic read-modify-write and store-release instructions may not target the context, packet or socket pointers.', (r: number, type: string) => `BPF_ATOMIC stores into R${r} ${type} is not allowed`),
  atomicLoadPtrType: rule('core.atomic.load-pointer-type', 'check_atomic_load', 'Load-acquire may not read through the context, packet or socket pointers.', (r: number, type: string) => `BPF_ATOMIC loads from R${r} ${type} is not allowed`),
  stackMisaligned: rule('core.stack.misaligned', 'check_generic_ptr_alignment', 'Stack accesses are naturally aligned.', (varOff: string, regOff: number, off: number, size: number) => `misaligned stack access off ${varOff}+${regOff}+${off} size ${size}`),
  stackReadUninit: rule('core.stack.read-uninit', 'check_stack_read_fixed_off', 'Unprivileged programs cannot read stack bytes never written.', (off: number, i: number, size: number) => `invalid read from stack off ${off}+${i} size ${size}`),
  spillSize: rule('core.stack.spill-size', 'check_stack_write_fixed_off', 'A pointer is spilled to the stack with an 8-byte store.', () => 'invalid size of register spill'),
  fillSize: rule('core.stack.fill-size', 'check_stack_read_fixed_off', 'A spilled pointer is filled back with an 8-byte load.', () => 'invalid size of register fill'),
  ctxAccess: rule('core.ctx.invalid-access', 'check_ctx_access', 'Context accesses must hit a field the program type exposes, with an allowed size and direction.', (off: number, size: number) => `invalid bpf_context access off=${off} size=${size}`),
  insnPtrTypeMismatch: rule('core.mem.same-insn-different-pointers', 'save_aux_ptr_type', 'One load or store instruction may not dereference the context (or a socket or BTF pointer) on one path and a different kind of pointer on another: the kernel rewrites context accesses per instruction.', () => 'same insn cannot be used with different pointers'),
  ctxModified: rule('core.ctx.modified-pointer', 'check_ptr_off_reg', 'The context pointer is dereferenced only at its original value.', (r: number, off: number) => `dereference of modified ctx ptr R${r} off=${off} disallowed`),
  ctxVarOff: rule('core.ctx.variable-offset', 'check_ptr_off_reg', 'Context accesses use a constant offset.', (varOff: string) => `variable ctx access var_off=${varOff} disallowed`),
  mapValueOob: rule('core.map.value-out-of-bounds', 'check_mem_region_access', 'Map value accesses stay inside the value.', (vs: number, off: number, size: number) => `invalid access to map value, value_size=${vs} off=${off} size=${size}`),
  mapMinOob: rule('core.map.min-out-of-range', 'check_mem_region_access', 'The smallest possible offset of a map value access must be inside the value.', (r: number) => `R${r} min value is outside of the allowed memory range`),
  mapMaxOob: rule('core.map.max-out-of-range', 'check_mem_region_access', 'The largest possible offset of a map value access must be inside the value.', (r: number) => `R${r} max value is outside of the allowed memory range`),
  mapMinNegative: rule('core.map.min-negative', 'check_mem_region_access', 'A variable offset into a map value must be proven non-negative.', (r: number) => `R${r} min value is negative, either use unsigned index or do a if (index >=0) check.`),
  mapUnbounded: rule('core.map.unbounded', 'check_mem_region_access', 'A variable offset into a map value must be bounded.', (r: number) => `R${r} unbounded memory access, make sure to bounds check any such access`),
  mapReadonly: rule('core.map.write-readonly', 'check_map_access_type', 'Read-only maps (such as .rodata) cannot be written by the program.', (vs: number, off: number, size: number) => `write into map forbidden, value_size=${vs} off=${off} size=${size}`),

  // --- jumps and exploration ---
  jmpReserved: rule('core.jmp.reserved-fields', 'check_cond_jmp_op', 'Jump instructions leave unused fields zero.', (what: string) => `${what} uses reserved fields`),
  infiniteLoop: rule('core.loop.infinite', 'is_state_visited', 'A loop whose state repeats exactly can never terminate and is rejected.', (i: number) => `infinite loop detected at insn ${i}`),
  tooLarge: rule('core.limit.complexity', 'do_check', 'Verification explores at most 1,000,000 instructions.', (n: number) => `BPF program is too large. Processed ${n} insn`),
  jmpSeqTooComplex: rule('core.limit.jump-sequence', 'push_stack', 'At most 8192 branches may wait to be explored.', (n: number) => `The sequence of ${n} jumps is too complex.`),

  // --- calls ---
  callStackTooDeep: rule('core.call.too-deep', 'setup_func_call', 'Calls nest at most 8 frames deep.', (n: number) => `the call stack of ${n} frames is too deep`),
  stackTooLarge: rule('core.call.combined-stack', 'check_max_stack_depth', 'The stacks of all frames of a call chain total at most 512 bytes.', (frames: number, size: number) => `combined stack size of ${frames} calls is ${size}. Too large`),
  returnStackPtr: rule('core.call.return-stack-pointer', 'prepare_func_exit', "A subprogram cannot return a pointer to its own stack.", () => 'cannot return stack pointer to the caller'),
  helperUnknown: rule('core.helper.unknown', 'check_helper_call', 'Helper calls use a helper id the kernel knows.', (name: string, id: number) => `invalid func ${name}#${id}`),
  helperNotAllowed: rule('core.helper.prog-type', 'check_helper_call', 'Each program type may call only the helpers its get_func_proto offers.', (name: string, id: number) => `program of this type cannot use helper ${name}#${id}`),
  helperArgType: rule('core.helper.arg-type', 'check_reg_type', 'Each helper argument must have one of the register types its prototype accepts.', (r: number, t: string, expected: string) => `R${r} type=${t} expected=${expected}`),
  stackRangeUninit: rule('core.helper.stack-uninit', 'check_stack_range_initialized', 'Memory passed to a helper for reading must be initialized.', (r: number, off: number, i: number, size: number) => `invalid read from stack R${r} off ${off}+${i} size ${size}`),

  // --- exit ---
  exitNotKnown: rule('core.exit.not-scalar', 'check_return_code', 'Program types with a return range must return a scalar.', (ctx: string, r: string, t: string) => `${ctx} the register ${r} is not a known value (${t})`),
  sleepableMapType: rule('core.map.sleepable-type', 'check_map_prog_compatibility', 'Sleepable programs may use only array, hash, ringbuf and local storage maps (others are freed without waiting for sleepable programs).', () => 'Sleepable programs can only use array, hash, ringbuf and local storage maps'),
  helperMightSleep: rule('core.helper.might-sleep', 'check_helper_call', 'Helpers that may sleep (bpf_copy_from_user, ...) are callable only from sleepable programs.', () => 'helper call might sleep in a non-sleepable prog'),
  helperSleepInRcu: rule('rcu.sleepable-helper-in-cs', 'check_helper_call', 'A helper that may sleep is not callable inside a bpf_rcu_read_lock section.', (name: string, id: number) => `sleepable helper ${name}#${id} in rcu_read_lock region`),
  helperSleepNonPreempt: rule('kfunc.preempt.sleepable-helper', 'check_helper_call', 'A helper that may sleep is not callable while preemption is disabled.', (name: string, id: number) => `sleepable helper ${name}#${id} in non-preemptible region`),
  tailCallMap: ruleNoNewline('core.helper.tail-call-map', 'record_func_key', 'bpf_tail_call() jumps through a program array map and no other kind of map.', () => 'expected prog array map for tail call'),
  mayGotoEncoding: rule('core.jmp.may-goto-encoding', 'check_cond_jmp_op', 'A may_goto instruction has source BPF_MAY_GOTO (0), no destination register and imm 0.', (imm: number) => `invalid may_goto imm ${imm}`),
  exitRange: rule('core.exit.range', 'check_return_code', "The return value must lie in the program type's allowed range.", (text: string) => text),
} as const;

export const RULES = { ...CORE_RULES, ...KFUNC_RULES, ...BTF_PTR_RULES, ...KPTR_RULES, ...ITER_RULES } as const;

export type RuleKey = keyof typeof RULES;
export type AnyRule = Rule<never[]> | Rule<[number]> | Rule<[number, number]> | Rule<[string]> | Rule<unknown[]>;

/** All rules by id, for pages, coverage and the "unknown rule id" check. */
export function allRules(): Rule<unknown[]>[] {
  return Object.values(RULES) as unknown as Rule<unknown[]>[];
}
