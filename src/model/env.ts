// The verifier environment (struct bpf_verifier_env): the program, options, the log, the
// current state, the branches still to explore, the explored-state lists used for pruning,
// and the counters the final `processed N insns` line reports.
import type { Program } from '../ir/program.ts';
import type { SectionInfo } from '../ir/sections.ts';
import type { VLog } from './log.ts';
import type { VState } from './state/state.ts';
import type { Scratch } from './print-state.ts';
import type { Profile } from './profile.ts';
import type { BaseType } from './state/reg.ts';
import type { HistEntry } from './state/state.ts';
import type { SccVisit } from './precision/scc.ts';

export const BPF_COMPLEXITY_LIMIT_INSNS = 1_000_000;
export const BPF_COMPLEXITY_LIMIT_JMP_SEQ = 8192;

export interface PendingBranch {
  state: VState;
  insnIdx: number;
  prevInsnIdx: number;
  logPos: number;
}

export interface ExploredState {
  state: VState;
  missCnt: number;
  hitCnt: number;
}

export interface Env {
  prog: Program;
  section: SectionInfo;
  profile: Profile;
  /** The modelled machine's nr_cpu_ids (see VerifyOptions.nrCpuIds). */
  nrCpuIds: number;
  log: VLog;
  cur: VState;
  insnIdx: number;
  prevInsnIdx: number;
  stack: PendingBranch[];
  explored: Map<number, ExploredState[]>;
  prunePoints: Uint8Array; // 1 = prune point, 2 = force checkpoint
  /**
   * insn_aux_data[i].ptr_type: the pointer type (base type and flags) a load/store at slot i
   * first dereferenced, on whichever path reached it first (save_aux_ptr_type).
   */
  auxPtrType: ({ type: BaseType; flags: number } | null)[];
  /** Registers live before each instruction (bit i = Ri), from compute_live_registers. */
  liveRegsBefore: Uint16Array;
  insnProcessed: number;
  prevInsnProcessed: number;
  jmpsProcessed: number;
  prevJmpsProcessed: number;
  totalStates: number;
  peakStates: number;
  maxStatesPerInsn: number;
  idGen: number;
  scratch: Scratch;
  subprogStackDepth: number[];
  /** First instruction of each subprogram (cfg.ts). */
  subprogStarts: number[];
  /** Instructions that call a KF_ITER_NEXT kfunc (forced checkpoints, loop convergence). */
  iterNextInsns: Set<number>;
  /** Jump points of the CFG (jump targets, the instruction after each call): history entries. */
  jmpPoints: Uint8Array;
  /** The history entry of the instruction being processed (env->cur_hist_ent), reset per instruction. */
  curHistEnt: HistEntry | null;
  /** SCC id per instruction (cfg.ts) and the loop visits in progress, by callchain. */
  scc: Int32Array;
  sccVisits: Map<string, SccVisit>;
  /** Backedge states kept until their loop visit ends (num_backedges; they count in peak_states). */
  numBackedges: number;
  /** An instruction as the log prints it (`(bf) r1 = r10`), for the precision log lines. */
  insnText: (idx: number) => string;
}

export const newId = (env: Env): number => ++env.idGen;

export function scratchReg(env: Env, r: number): void {
  env.scratch.regs.add(r);
}
export function scratchSlot(env: Env, spi: number): void {
  env.scratch.slots.add(spi);
}
export function scratchAll(env: Env): void {
  for (let i = 0; i < 11; i++) env.scratch.regs.add(i);
  for (let i = 0; i < 64; i++) env.scratch.slots.add(i);
}
export function clearScratch(env: Env): void {
  env.scratch.regs.clear();
  env.scratch.slots.clear();
}
export const isScratched = (env: Env): boolean => env.scratch.regs.size > 0 || env.scratch.slots.size > 0;
