// The live trace of one verification (site data, version 1): what the model saw at every step of
// its exploration, in the kernel's exploration order (the order of a level-2 log). The model
// writes it (src/model/trace/recorder.ts); the site only renders it (src/site/trace/).
//
// Every text field is what the kernel's log would print (print_reg_state, print_verifier_state,
// print_bpf_insn); the site shows it as text, never as HTML.

export const TRACE_VERSION = 1;

/** One instruction of the program listing (ld_imm64 takes two slots and is listed once). */
export interface TraceInsn {
  /** Slot index: the number the log prints before the instruction. */
  idx: number;
  /** The instruction as the log prints it, e.g. `(85) call bpf_task_from_pid#12345`. */
  text: string;
  /** 1-based line of the example's source text that holds it, or null when unknown. */
  line: number | null;
}

/** A register that is not `not_init`. */
export interface TraceReg {
  /** Register number: 0-10. */
  r: number;
  /** print_reg_state() text, e.g. `scalar(smin=0,smax=10)` or `ptr_task_struct(ref_obj_id=2)`. */
  t: string;
  /** ref_obj_id when the register holds a referenced pointer. */
  ref?: number;
}

/** A stack slot with at least one byte that is not STACK_INVALID. */
export interface TraceSlot {
  /** Offset of the slot's lowest byte from the frame pointer: -8, -16, ... */
  off: number;
  /**
   * slot_type of the slot's lowest byte (of its first written byte when that one is invalid):
   * 'spill', 'misc', 'zero', 'iter', 'dynptr', 'irq_flag' or any kind the model adds later
   * (recorded as the model names it).
   */
  kind: string;
  /** What print_verifier_state() prints after `fp-8=`; empty when the log does not print the slot. */
  t: string;
  /** Further fields the model keeps for this slot kind (iterator state, dynptr type, ...), as text. */
  extra?: Record<string, string>;
}

export interface TraceFrame {
  /** Frame number (0 = main program). */
  no: number;
  /** Instruction that called this frame; -1 for frame 0. */
  callsite: number;
  regs: TraceReg[];
  stack: TraceSlot[];
}

/** An entry of the reference table (struct bpf_reference_state). */
export interface TraceRef {
  id: number;
  /** The instruction that acquired it (alloc_insn in the leak message). */
  insn: number;
  /** 'ptr', 'lock', 'irq', 'res_lock', ... */
  kind: string;
  extra?: Record<string, string>;
}

/**
 * - insn: an instruction was processed; the state is the one after it.
 * - branch: a path set aside at a conditional jump is resumed ("from X to Y:" in the log); the
 *   state is the one at Y, before Y runs.
 * - safe: the state at Y was found equivalent to an explored one, the path ends ("Y: safe").
 * - error: the program was rejected here; the state is the one at the error.
 */
export type TraceStepKind = 'insn' | 'branch' | 'safe' | 'error';

export interface TraceStep {
  kind: TraceStepKind;
  /** Instruction index. */
  insn: number;
  /** The previous step on the same path (a step index), -1 for the first step. */
  prev: number;
  /** For 'branch' (and a 'safe' reached right after one): the jump the path continues from. */
  from?: number;
  /** Current frame number. */
  frame: number;
  /** Every frame of the call chain, caller first. */
  frames: TraceFrame[];
  refs: TraceRef[];
  /** Non-zero lock counters of the state: activeLocks, activeRcuLocks, activePreemptLocks, ... */
  locks: Record<string, number>;
  /** Other state fields with a non-default value (mayGotoDepth, speculative, ...), as text. */
  extra?: Record<string, string>;
  /** 0-based line of `log` this step printed (its instruction, branch or safe line); -1 if none. */
  logLine: number;
}

export interface TraceError {
  /** The rule that rejected the program. */
  rule: string | null;
  /** The kernel's message (the reason line). */
  message: string;
  /** Instruction the error is reported at; null for whole-program checks (CFG, stack depth). */
  insn: number | null;
  /** Index of the 'error' step, null when there is none (not recorded, or not on a path). */
  step: number | null;
  /** Instruction indices of the failing path from the program start to the error. */
  path: number[];
  /** The steps of that path (empty when the steps were not recorded). */
  pathSteps: number[];
  /** The path is longer than shown: `path` keeps its last part. */
  pathTruncated: boolean;
}

export interface ModelTrace {
  version: typeof TRACE_VERSION;
  insns: TraceInsn[];
  steps: TraceStep[];
  /** `processed N insns` of the whole verification; more than the recorded steps show when truncated. */
  insnProcessed: number;
  /** The exploration went on past the recorded steps. */
  truncated: boolean;
  verdict: 'accept' | 'reject';
  error: TraceError | null;
  /** The model's level-2 log of the recorded steps (kernel format). */
  log: string;
}
