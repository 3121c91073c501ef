// The verifier model's entry point and main loop (bpf_check / do_check): walk every path of
// the program, checkpoint states at prune points, prune equivalent ones, and report the
// kernel's verdict, reason line and log.
import type { Program } from '../ir/program.ts';
import { parseSection, type SectionInfo } from '../ir/sections.ts';
import { BPF_ALU, BPF_ALU64, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_ST, BPF_STX, insnClass, isLdImm64 } from '../isa/insn.ts';
import * as op from '../isa/opcodes.ts';
import { printInsn, type PrintContext } from '../isa/print.ts';
import { RULES } from '../messages/catalog.ts';
import { parseVerifierLog } from '../messages/log-parse.ts';
import { analyzeCfg, type CallArgCount } from './cfg.ts';
import { BPF_COMPLEXITY_LIMIT_INSNS, clearScratch, isScratched, scratchAll, type Env } from './env.ts';
import { reject, VerifierReject } from './errors.ts';
import { BPF_LOG_STATS, VLog } from './log.ts';
import { DEFAULT_PROFILE, PROFILES, type ProfileName } from './profile.ts';
import { formatFrameState } from './print-state.ts';
import { statesEqual, statesMaybeLooping } from './prune.ts';
import { updateBranchCounts } from './explore-stack.ts';
import { copyState, curFrame, newFrame, type VState } from './state/state.ts';
import { ptrReg, scalarReg } from './state/reg.ts';
import { checkAluOp } from './exec/alu.ts';
import { checkAtomic, checkLoad, checkStore } from './exec/mem.ts';
import { checkCondJmp } from './exec/jmp.ts';
import { ModelLimit, checkCallEncoding, checkFuncCall, checkHelperCall, checkReturnCode, helperName, prepareFuncExit } from './exec/call.ts';
import { checkRegWrite, setReg } from './exec/regs.ts';
import { helperById } from '../catalog/helpers.ts';
import { KF, kfuncAllowed, kfuncDef, kfuncFlags, kfuncProto } from '../catalog/kfuncs.ts';
import { checkKfuncCall } from './kfunc/call.ts';
import { checkResourceLeak } from './refs/refs.ts';
import { iterActiveDepthsDiffer, iterAtR1Active } from './iter/iter-next.ts';
import { checkMayGoto, isMayGotoInsn } from './exec/may-goto.ts';
import { pushJmpHistory } from './precision/history.ts';
import { markAllScalarsImprecise, propagatePrecision } from './precision/mark.ts';
import { addSccBackedge, incompleteReadMarks, maybeEnterScc } from './precision/scc.ts';
import { scalarKnown } from './scalar/scalar.ts';
import { DEFAULT_TRACE_LIMIT, TraceRecorder, type TraceHook } from './trace/recorder.ts';
import type { ModelTrace } from './trace/types.ts';

export { ModelLimit };

export interface VerifyOptions {
  profile?: ProfileName;
  /** Kernel log level bits: 1, 2, and 4 for stats. Default 1. */
  logLevel?: number;
  /** Record the live trace (src/model/trace/): off by default, it costs a state snapshot per step. */
  trace?: boolean;
  /** Steps the trace records at most (default DEFAULT_TRACE_LIMIT); the exploration is not bounded by it. */
  traceLimit?: number;
  /** Exploration bound; the kernel's is 1,000,000 processed instructions. */
  insnLimit?: number;
  /**
   * The kernel's nr_cpu_ids on the machine being modelled: bpf_get_smp_processor_id() returns
   * [0, nr_cpu_ids - 1] (do_refine_retval_range). Default DEFAULT_NR_CPU_IDS; the Node side
   * passes the running machine's value so the model and the kernel oracle agree.
   */
  nrCpuIds?: number;
}

export const DEFAULT_NR_CPU_IDS = 64;

export interface VerifyResult {
  verdict: 'accept' | 'reject';
  /** The reason line (last log line before `processed ...`), null on accept. */
  error: string | null;
  /** Rule id of the rule that rejected the program. */
  ruleId: string | null;
  log: string;
  insnProcessed: number;
  totalStates: number;
  peakStates: number;
  maxStatesPerInsn: number;
  timeUs: number;
  trace: ModelTrace | null;
  section: SectionInfo;
}

/** How many argument registers a call reads, for the liveness table (get_call_summary). */
function callArgCount(prog: Program, section: SectionInfo): CallArgCount {
  return (insn, i) => {
    if (insn.src === op.BPF_PSEUDO_CALL) return 5; // static subprograms without BTF: all five
    if (insn.src === op.BPF_PSEUDO_KFUNC_CALL) {
      const r = prog.relocs.find((x) => x.insn === i && x.kind === 'kfunc');
      // a kfunc the program type may not call fails fetch_kfunc_meta(): all five are live
      const def = r?.kind === 'kfunc' ? kfuncDef(r.name) : undefined;
      if (def && !kfuncAllowed(def, section.progType)) return 5;
      const proto = r?.kind === 'kfunc' ? kfuncProto(r.name) : undefined;
      return proto ? proto.params.length : 5;
    }
    return helperById(insn.imm)?.args.length ?? 5;
  };
}

/** Calls of KF_ITER_NEXT kfuncs (is_iter_next_insn): prune points that always checkpoint. */
function iterNextCalls(prog: Program): Set<number> {
  const out = new Set<number>();
  for (const r of prog.relocs) {
    if (r.kind !== 'kfunc') continue;
    const def = kfuncDef(r.name);
    if (def && kfuncFlags(def) & KF.KF_ITER_NEXT) out.add(r.insn); // ITER_* flags do not depend on the profile
  }
  return out;
}

function printContext(prog: Program): PrintContext {
  return {
    helperName: (id) => helperName(id),
    kfuncName: (insn) => {
      const idx = prog.insns.indexOf(insn);
      const r = prog.relocs.find((x) => x.insn === idx && x.kind === 'kfunc');
      return r && r.kind === 'kfunc' ? r.name : undefined;
    },
    ldImm64Text: (insn, next) => {
      // The kernel prints the map's kernel address for privileged loaders; the model has none.
      if (insn.src === op.BPF_PSEUDO_MAP_FD || insn.src === op.BPF_PSEUDO_MAP_VALUE) return '0x0';
      if (insn.src === 0) return `0x${((BigInt((next?.imm ?? 0) >>> 0) << 32n) | BigInt(insn.imm >>> 0)).toString(16)}`;
      return `0x${(insn.imm >>> 0).toString(16)}`;
    },
  };
}

export function verifyProgram(prog: Program, opts: VerifyOptions = {}): VerifyResult {
  const t0 = performance.now();
  const section = parseSection(prog.section);
  if (!section.ok) throw new ModelLimit(`unknown section "${prog.section}": ${section.error}`);
  const profile = PROFILES[opts.profile ?? DEFAULT_PROFILE];
  const log = new VLog(opts.logLevel ?? 1);
  const frame0 = newFrame(0, -1, 0);
  frame0.regs[1] = ptrReg('ctx');
  const init: VState = {
    frames: [frame0], curframe: 0, refs: [], activeLocks: 0, activeRcuLocks: 0, activePreemptLocks: 0, activeIrqId: 0, parent: null, branches: 1,
    insnIdx: 0, checkpoint: false, dfsDepth: 0, firstInsnIdx: 0, lastInsnIdx: -1, hist: [], mayGotoDepth: 0, callbackUnrollDepth: 0, speculative: false,
  };
  const insnCtx = printContext(prog);
  const env: Env = {
    prog, section, profile, nrCpuIds: opts.nrCpuIds ?? DEFAULT_NR_CPU_IDS, log, cur: init, insnIdx: 0, prevInsnIdx: -1, stack: [], explored: new Map(), prunePoints: new Uint8Array(0),
    auxPtrType: new Array<Env['auxPtrType'][number]>(prog.insns.length).fill(null), liveRegsBefore: new Uint16Array(0), insnProcessed: 0, prevInsnProcessed: 0, jmpsProcessed: 0, prevJmpsProcessed: 0, totalStates: 0,
    peakStates: 0, maxStatesPerInsn: 0, idGen: 0, scratch: { regs: new Set(), slots: new Set() }, subprogStackDepth: [],
    iterNextInsns: new Set(), jmpPoints: new Uint8Array(0), curHistEnt: null, scc: new Int32Array(0), sccVisits: new Map(), numBackedges: 0, subprogStarts: [0],
    insnText: (i) => printInsn(prog.insns[i], insnCtx, prog.insns[i + 1]),
  };
  const tracer = opts.trace ? new TraceRecorder(prog, printContext(prog), opts.traceLimit ?? DEFAULT_TRACE_LIMIT) : null;
  let verdict: 'accept' | 'reject' = 'accept';
  let ruleId: string | null = null;
  try {
    env.iterNextInsns = iterNextCalls(prog);
    const cfg = analyzeCfg(prog, log.l2, (s) => log.write(s), callArgCount(prog, section), env.iterNextInsns);
    env.prunePoints = cfg.prunePoints;
    env.jmpPoints = cfg.jmpPoints;
    env.scc = cfg.scc;
    env.liveRegsBefore = cfg.liveBefore;
    env.subprogStackDepth = cfg.subprogStarts.map(() => 0);
    env.subprogStarts = cfg.subprogStarts;
    if (log.l2) printLiveRegs(env, cfg.scc);
    doCheck(env, cfg.subprogStarts, opts.insnLimit ?? BPF_COMPLEXITY_LIMIT_INSNS, tracer);
    checkMaxStackDepth(env, cfg.subprogStarts);
  } catch (e) {
    if (!(e instanceof VerifierReject)) throw e;
    verdict = 'reject';
    ruleId = e.ruleId;
    log.write(`${e.message}${e.newline ? '\n' : ''}${e.extra}`);
    tracer?.reject(env, e);
  }
  const timeUs = Math.round((performance.now() - t0) * 1000);
  if (log.level & BPF_LOG_STATS) {
    log.write(`verification time ${timeUs} usec\n`);
    // once verified, do_misc_fixups() gives each subprogram with a may_goto 16 bytes for its
    // counter and deadline (the timed may_goto), before the stats are printed
    const starts = [...env.subprogStarts, prog.insns.length];
    const fixed = verdict === 'accept';
    const hasMayGoto = (k: number): boolean => prog.insns.slice(starts[k], starts[k + 1]).some((_, i) => isMayGotoInsn(env, starts[k] + i));
    const depths = env.subprogStackDepth.map((d, k) => (fixed && hasMayGoto(k) ? d + 16 : d));
    log.write(`stack depth ${depths.join('+')}\n`);
  }
  log.write(`processed ${env.insnProcessed} insns (limit ${BPF_COMPLEXITY_LIMIT_INSNS}) max_states_per_insn ${env.maxStatesPerInsn} total_states ${env.totalStates} peak_states ${env.peakStates} mark_read 0\n`);
  const text = log.text();
  const error = verdict === 'reject' ? parseVerifierLog(text).lastMessage : null;
  return {
    verdict, error, ruleId, log: text, insnProcessed: env.insnProcessed, totalStates: env.totalStates, peakStates: env.peakStates,
    maxStatesPerInsn: env.maxStatesPerInsn, timeUs, trace: tracer ? tracer.finish(verdict, text, env.insnProcessed) : null, section,
  };
}

/**
 * check_max_stack_depth(): along every chain of static calls the frames' stacks (each rounded
 * up to 16 bytes, as for the JIT) add up to at most 512 bytes.
 */
function checkMaxStackDepth(env: Env, starts: number[]): void {
  const insns = env.prog.insns;
  const end = (k: number): number => (k + 1 < starts.length ? starts[k + 1] : insns.length);
  const walk = (k: number, depth: number, frames: number): void => {
    const total = depth + Math.ceil(env.subprogStackDepth[k] / 16) * 16;
    if (total > 512) reject(RULES.stackTooLarge, frames, total);
    for (let i = starts[k]; i < end(k); i++) {
      const insn = insns[i];
      if (insnClass(insn.code) === BPF_JMP && op.bpfOp(insn.code) === op.BPF_CALL && insn.src === op.BPF_PSEUDO_CALL) {
        walk(starts.indexOf(i + insn.imm + 1), total, frames + 1);
      }
      if (isLdImm64(insn)) i++;
    }
  };
  walk(0, 0, 1);
}

function printLiveRegs(env: Env, scc: Int32Array): void {
  const { prog, log } = env;
  log.write('Live regs before insn:\n');
  const ctx = printContext(prog);
  for (let i = 0; i < prog.insns.length; i++) {
    const insn = prog.insns[i];
    let live = '';
    for (let r = 0; r < 10; r++) live += env.liveRegsBefore[i] & (1 << r) ? String(r) : '.';
    const sccText = scc[i] ? String(scc[i]).padStart(3) : '   ';
    log.write(`${sccText} ${String(i).padStart(3)}: ${live} ${printInsn(insn, ctx, prog.insns[i + 1])}\n`);
    if (isLdImm64(insn)) i++;
  }
}

/**
 * print_insn_state(): append the scratched state to the instruction line, or print it on its own
 * line headed by `idx` (env->insn_idx: the jump itself for a conditional jump, otherwise the
 * instruction about to run).
 */
function printInsnState(env: Env, idx = env.insnIdx): void {
  const { log } = env;
  if (log.prevLogPos && log.prevLogPos === log.endPos) {
    log.reset(log.prevLogPos - 1);
    log.write(' '.repeat(VLog.alignment(log.prevInsnPrintPos)) + ';');
  } else {
    log.write(`${idx}:`);
  }
  log.write(formatFrameState(env.cur, env.cur.curframe, env.prog, env.scratch) + '\n');
  clearScratch(env);
}

const PRUNED = 1;

/** is_state_visited(): prune against an equivalent explored state, or checkpoint the current one. */
function isStateVisited(env: Env, insnIdx: number): number {
  const cur = env.cur;
  const forceCkpt = (env.prunePoints[insnIdx] & 2) !== 0;
  // a long history since the last checkpoint forces one too (jmp_history_cnt > 40)
  const forceNew = forceCkpt || cur.hist.length > 40;
  let addNew = forceNew || (env.jmpsProcessed - env.prevJmpsProcessed >= 2 && env.insnProcessed - env.prevInsnProcessed >= 8);
  const list = env.explored.get(insnIdx) ?? [];
  let statesCnt = 0;
  const live = env.liveRegsBefore[insnIdx];
  const iterNext = env.iterNextInsns.has(insnIdx);
  const mayGoto = isMayGotoInsn(env, insnIdx);
  let loop = false;
  for (let k = 0; k < list.length; k++) {
    const sl = list[k];
    statesCnt++;
    let hit = false;
    if (sl.state.branches > 0) {
      // A may_goto loop converges when an open checkpoint of another depth covers the current state.
      if (mayGoto && sl.state.mayGotoDepth !== cur.mayGotoDepth && statesEqual(sl.state, cur, 'range_within', live)) {
        loop = true;
        hit = true;
      } else if (iterNext) {
        // An open-coded iterator loop converges when an open checkpoint at the _next call covers
        // the current state (range-wise) while the iterator is still active (iter/iter-next.ts).
        if (statesEqual(sl.state, cur, 'range_within', live) && iterAtR1Active(cur)) {
          loop = true;
          hit = true;
        }
      } else if (
        statesMaybeLooping(sl.state, cur) && statesEqual(sl.state, cur, 'exact', live) && !iterActiveDepthsDiffer(sl.state, cur) &&
        sl.state.mayGotoDepth === cur.mayGotoDepth
      ) {
        const dump = `cur state:${formatFrameState(cur, cur.curframe, env.prog, null)}\nold state:${formatFrameState(sl.state, cur.curframe, env.prog, null)}\n`;
        throw new VerifierReject(RULES.infiniteLoop.id, RULES.infiniteLoop.msg(insnIdx), dump);
      }
      if (!hit && !forceNew && env.jmpsProcessed - env.prevJmpsProcessed < 20 && env.insnProcessed - env.prevInsnProcessed < 100) addNew = false;
    } else {
      // inside a loop whose precision is not final yet, compare ranges of imprecise scalars too
      loop = incompleteReadMarks(env, sl.state);
      hit = statesEqual(sl.state, cur, loop ? 'range_within' : 'not_exact', live);
    }
    if (hit) {
      sl.hitCnt++;
      if (env.jmpPoints[insnIdx]) pushJmpHistory(env, cur);
      propagatePrecision(env, sl.state, cur);
      if (loop) {
        const backedge = copyState(cur);
        backedge.insnIdx = insnIdx;
        addSccBackedge(env, sl.state, backedge);
      }
      return PRUNED;
    }
    if (addNew) sl.missCnt++;
    const n = forceCkpt && sl.state.branches > 0 ? 64 : 3;
    if (sl.missCnt > sl.hitCnt * n + n) {
      list.splice(k, 1);
      k--;
      env.explored.set(insnIdx, list);
    }
  }
  if (env.maxStatesPerInsn < statesCnt) env.maxStatesPerInsn = statesCnt;
  if (!addNew) return 0;
  env.totalStates++;
  // Evicted states stay referenced as parents (the kernel's free list): explored + free = total.
  env.peakStates = Math.max(env.peakStates, env.totalStates + env.numBackedges);
  env.prevJmpsProcessed = env.jmpsProcessed;
  env.prevInsnProcessed = env.insnProcessed;
  // the checkpoint starts without precision: marks come from later paths (precision/mark.ts)
  if (env.profile.privileged) markAllScalarsImprecise(cur);
  const snap = copyState(cur);
  snap.insnIdx = insnIdx;
  snap.checkpoint = true;
  snap.branches = 1;
  maybeEnterScc(env, snap);
  cur.parent = snap;
  cur.firstInsnIdx = insnIdx;
  cur.dfsDepth = snap.dfsDepth + 1;
  cur.hist = [];
  list.unshift({ state: snap, missCnt: 0, hitCnt: 0 });
  env.explored.set(insnIdx, list);
  return 0;
}

function doCheck(env: Env, subprogStarts: number[], insnLimit: number, tracer: TraceHook | null): void {
  const { prog, log } = env;
  const insns = prog.insns;
  const ctx = printContext(prog);
  let doPrintState = false;
  scratchAll(env);
  for (;;) {
    const idx = env.insnIdx;
    if (idx < 0 || idx >= insns.length) throw new VerifierReject(RULES.jumpOutOfRange.id, `invalid insn idx ${idx} insn_cnt ${insns.length}`);
    const insn = insns[idx];
    if (++env.insnProcessed > insnLimit) reject(RULES.tooLarge, env.insnProcessed);
    env.curHistEnt = null;
    env.cur.lastInsnIdx = env.prevInsnIdx;
    env.cur.insnIdx = idx;
    let exitPath = false;
    if (env.prunePoints[idx] & 1 && isStateVisited(env, idx) === PRUNED) {
      if (log.l1) log.write(doPrintState ? `\nfrom ${env.prevInsnIdx} to ${idx}: safe\n` : `${idx}: safe\n`);
      tracer?.safe(env, idx);
      exitPath = true;
    }
    if (!exitPath && env.jmpPoints[idx]) pushJmpHistory(env, env.cur);
    if (!exitPath) {
      if (log.l2 && doPrintState) {
        log.write(`\nfrom ${env.prevInsnIdx} to ${idx}:${formatFrameState(env.cur, env.cur.curframe, prog, null)}\n`);
      }
      doPrintState = false;
      if (log.l1) {
        if (isScratched(env)) printInsnState(env);
        log.prevLogPos = log.endPos;
        log.write(`${idx}: ${printInsn(insn, ctx, insns[idx + 1])}\n`);
        log.prevInsnPrintPos = log.endPos - log.prevLogPos;
        log.prevLogPos = log.endPos;
      }
      env.prevInsnIdx = idx;
      const res = step(env, insn, idx, subprogStarts);
      const fr = curFrame(env.cur);
      const sp = fr.subprogno;
      env.subprogStackDepth[sp] = Math.max(env.subprogStackDepth[sp] ?? 0, fr.stack.length * 8);
      tracer?.insn(env, idx);
      if (res === 'exit') exitPath = true;
      else if (res === 'return') {
        doPrintState = true;
        clearScratch(env);
        continue;
      } else if (res === 'jmp' && log.l1) {
        printInsnState(env, idx);
      }
    }
    if (exitPath) {
      scratchAll(env);
      updateBranchCounts(env, env.cur);
      const next = env.stack.pop();
      tracer?.pop(env, next);
      if (!next) return;
      if (!log.l2) log.reset(next.logPos);
      env.cur = next.state;
      env.insnIdx = next.insnIdx;
      env.prevInsnIdx = next.prevInsnIdx;
      doPrintState = true;
    }
  }
}

type StepResult = 'next' | 'jmp' | 'exit' | 'return';

function step(env: Env, insn: (typeof env.prog.insns)[number], idx: number, subprogStarts: number[]): StepResult {
  const cls = insnClass(insn.code);
  switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
      checkAluOp(env, insn);
      env.insnIdx = idx + 1;
      return 'next';
    case BPF_LDX:
      checkLoad(env, insn);
      env.insnIdx = idx + 1;
      return 'next';
    case BPF_STX:
      if (op.bpfMode(insn.code) === op.BPF_ATOMIC) checkAtomic(env, insn);
      else checkStore(env, insn);
      env.insnIdx = idx + 1;
      return 'next';
    case BPF_ST:
      checkStore(env, insn);
      env.insnIdx = idx + 1;
      return 'next';
    case BPF_LD:
      if (!isLdImm64(insn)) throw new ModelLimit('legacy packet loads (BPF_LD_ABS/IND) are not modelled yet');
      checkLdImm64(env, insn, idx);
      env.insnIdx = idx + 2;
      return 'next';
    case BPF_JMP:
    case BPF_JMP32: {
      env.jmpsProcessed++;
      const o = op.bpfOp(insn.code);
      if (o === op.BPF_CALL) {
        checkCallEncoding(insn, cls === BPF_JMP32);
        if (insn.src === op.BPF_PSEUDO_CALL) {
          env.insnIdx = checkFuncCall(env, insn, subprogStarts);
          scratchAll(env);
          return 'next';
        }
        if (insn.src === op.BPF_PSEUDO_KFUNC_CALL) {
          checkKfuncCall(env, insn, idx);
          env.insnIdx = idx + 1;
          return 'next';
        }
        checkHelperCall(env, insn);
        env.insnIdx = idx + 1;
        return 'next';
      }
      if (o === op.BPF_JA) {
        if (op.bpfSrc(insn.code) !== op.BPF_K || insn.src !== 0 || insn.dst !== 0 || (cls === BPF_JMP && insn.imm !== 0) || (cls === BPF_JMP32 && insn.off !== 0)) {
          reject(RULES.jmpReserved, 'BPF_JA');
        }
        env.insnIdx = idx + (cls === BPF_JMP ? insn.off : insn.imm) + 1;
        return 'next';
      }
      if (o === op.BPF_EXIT) {
        if (op.bpfSrc(insn.code) !== op.BPF_K || insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0 || cls === BPF_JMP32) reject(RULES.jmpReserved, 'BPF_EXIT');
        // process_bpf_exit_full(): held references and an open RCU section, main program only
        if (env.cur.curframe === 0) checkResourceLeak(env, 'BPF_EXIT instruction in main prog', true);
        if (env.cur.curframe > 0) {
          env.insnIdx = prepareFuncExit(env);
          return 'return';
        }
        checkReturnCode(env);
        return 'exit';
      }
      if (o === op.BPF_JCOND) {
        // unlike a conditional jump, may_goto prints no state after itself
        env.insnIdx = checkMayGoto(env, insn);
        return 'next';
      }
      env.insnIdx = checkCondJmp(env, insn);
      return 'jmp';
    }
  }
  reject(RULES.unknownOpcode, insn.code);
}

/** check_ld_imm(): 64-bit constants, map pointers, map values and function addresses. */
function checkLdImm64(env: Env, insn: (typeof env.prog.insns)[number], idx: number): void {
  if (insn.off !== 0) reject(RULES.aluReserved, 'BPF_LD_IMM64');
  checkRegWrite(env, insn.dst);
  const hi = env.prog.insns[idx + 1];
  if (insn.src === 0) {
    const v = (BigInt(hi.imm >>> 0) << 32n) | BigInt(insn.imm >>> 0);
    setReg(env, insn.dst, scalarReg(scalarKnown(v)));
    return;
  }
  const reloc = env.prog.relocs.find((r) => r.insn === idx);
  if (insn.src === op.BPF_PSEUDO_MAP_FD && reloc?.kind === 'map_fd') {
    setReg(env, insn.dst, ptrReg('map_ptr', { map: reloc.map }));
    return;
  }
  if (insn.src === op.BPF_PSEUDO_MAP_VALUE && reloc?.kind === 'map_value') {
    setReg(env, insn.dst, ptrReg('map_value', { map: reloc.map, off: reloc.off }));
    return;
  }
  if (insn.src === op.BPF_PSEUDO_FUNC) {
    setReg(env, insn.dst, ptrReg('func', { subprog: 0 }));
    return;
  }
  if (insn.src === op.BPF_PSEUDO_MAP_FD || insn.src === op.BPF_PSEUDO_MAP_VALUE) reject(RULES.mapNotFound, insn.imm);
  throw new ModelLimit(`ld_imm64 with pseudo source ${insn.src} is not modelled yet`);
}
