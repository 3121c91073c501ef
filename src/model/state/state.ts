// Verifier state (struct bpf_verifier_state): call frames, the reference table, lock and RCU
// state, and the bookkeeping exploration needs (parent, branches, loop detection).
import type { Reg } from './reg.ts';
import { NOT_INIT, ptrReg } from './reg.ts';
import type { StackSlot } from './stack.ts';

/** Where a linked scalar lives (struct linked_reg): a register or a spilled slot of a frame. */
export interface LinkedLoc {
  readonly frameno: number;
  readonly isReg: boolean;
  /** Register number, or spi of a spilled stack slot. */
  readonly index: number;
}

/**
 * One entry of a state's instruction history (struct bpf_jmp_history_entry): instructions the
 * precision backtracker cannot find by stepping back one slot — jump targets, with the slot that
 * was executed before — and the facts it needs about an instruction: the stack slot a spill or
 * fill touched, whether a compared register was a stack pointer, the registers a jump linked.
 */
export interface HistEntry {
  idx: number;
  prevIdx: number;
  /** INSN_F_STACK_ACCESS: the fixed-offset stack slot (frame of the pointer, spi) spilled to or filled from. */
  stack: { frameno: number; spi: number } | null;
  /** INSN_F_DST_REG_STACK / INSN_F_SRC_REG_STACK of a conditional jump. */
  dstStack: boolean;
  srcStack: boolean;
  /** Scalars linked by this conditional jump (sync_linked_regs), or null. */
  linked: LinkedLoc[] | null;
}

export const MAX_BPF_REG = 11;
export const BPF_REG_FP = 10;
export const MAX_CALL_FRAMES = 8;

export interface Frame {
  regs: Reg[];
  /** stack[spi]: spi 0 is fp-8..fp-1; length = allocated_stack / 8. */
  stack: StackSlot[];
  /** Instruction index of the call that created this frame (-1 for frame 0). */
  callsite: number;
  frameno: number;
  subprogno: number;
  inCallbackFn: boolean;
}

export type RefKind = 'ptr' | 'lock' | 'irq' | 'res_lock';

export interface RefState {
  id: number;
  /** Instruction that acquired the reference. */
  insnIdx: number;
  kind: RefKind;
  /** For locks: the map or object the lock lives in, and its offset. */
  lockPtr?: string;
  /** Acquired by a KF_ACQUIRE | KF_FORBID_SLEEP kfunc (the seed-001 series): no sleeping while held. */
  forbidSleep?: boolean;
}

export interface VState {
  frames: Frame[];
  curframe: number;
  refs: RefState[];
  activeLocks: number;
  activeRcuLocks: number;
  activePreemptLocks: number;
  /** The innermost open IRQ-disabled region's reference id (active_irq_id), 0 when none. */
  activeIrqId: number;
  /** Parent checkpoint in the exploration tree (for branch counting and loop detection). */
  parent: VState | null;
  /** Number of unfinished paths that started from this state (checkpoints only). */
  branches: number;
  insnIdx: number;
  /** Checkpoint bookkeeping: whether this state is stored in the explored list. */
  checkpoint: boolean;
  /** Checkpoints on the path from the entry to this state (dfs_depth; find_prev_entry). */
  dfsDepth: number;
  /** First instruction of this state's segment (since its parent checkpoint) and the last one executed. */
  firstInsnIdx: number;
  lastInsnIdx: number;
  /** Instruction history since the parent checkpoint (jmp_history). */
  hist: HistEntry[];
  mayGotoDepth: number;
  callbackUnrollDepth: number;
  speculative: boolean;
}

export function newFrame(frameno: number, callsite: number, subprogno: number): Frame {
  const regs: Reg[] = Array<Reg>(MAX_BPF_REG).fill(NOT_INIT);
  regs[BPF_REG_FP] = ptrReg('stack', { frameno });
  return { regs, stack: [], callsite, frameno, subprogno, inCallbackFn: false };
}

export function copyFrame(f: Frame): Frame {
  return { ...f, regs: f.regs.slice(), stack: f.stack.slice() };
}

/** A deep-enough copy: registers and slots are immutable and shared. */
export function copyState(s: VState): VState {
  return { ...s, frames: s.frames.map(copyFrame), refs: s.refs.map((r) => ({ ...r })), hist: s.hist.map((h) => ({ ...h })), checkpoint: false };
}

export const curFrame = (s: VState): Frame => s.frames[s.curframe];
