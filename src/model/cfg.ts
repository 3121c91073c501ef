// Static checks before the path walk, in the kernel's order: subprogram boundaries
// (add_subprog_and_kfunc, check_subprogs), opcode and ld_imm64 validity
// (resolve_pseudo_ldimm64), the control-flow graph (check_cfg), strongly connected
// components (compute_scc) and the register liveness table (compute_live_registers).
import type { Insn } from '../isa/insn.ts';
import { BPF_ALU, BPF_ALU64, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_ST, BPF_STX, insnClass, isLdImm64 } from '../isa/insn.ts';
import * as op from '../isa/opcodes.ts';
import type { Program } from '../ir/program.ts';
import { isSleepableProgram } from '../ir/sections.ts';
import { RULES } from '../messages/catalog.ts';
import { reject } from './errors.ts';

export interface CfgInfo {
  /** Subprogram start slots, sorted; [0] = 0. */
  subprogStarts: number[];
  /** 1 = prune point, 2 = also a forced checkpoint. */
  prunePoints: Uint8Array;
  /** Jump points (mark_jmp_point): targets of branch edges and the instruction after each call. */
  jmpPoints: Uint8Array;
  /** SCC id per instruction (0 = not in a loop). */
  scc: Int32Array;
  /** Registers live before each instruction. */
  liveBefore: Uint16Array;
}

const isCall = (i: Insn): boolean => insnClass(i.code) === BPF_JMP && op.bpfOp(i.code) === op.BPF_CALL;
const isPseudoCall = (i: Insn): boolean => isCall(i) && i.src === op.BPF_PSEUDO_CALL;
const isExit = (i: Insn): boolean => i.code === (BPF_JMP | op.BPF_EXIT);
const isJa = (i: Insn): boolean => i.code === (BPF_JMP | op.BPF_JA) || i.code === (BPF_JMP32 | op.BPF_JA);

/** bpf_opcode_in_insntable(): the opcodes the kernel's interpreter knows. */
export function opcodeValid(code: number): boolean {
  const cls = insnClass(code);
  const o = op.bpfOp(code);
  switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
      if (o === op.BPF_END) return cls === BPF_ALU || op.bpfSrc(code) === op.BPF_TO_LE;
      if (o === op.BPF_NEG) return op.bpfSrc(code) === op.BPF_K;
      return o <= op.BPF_ARSH;
    case BPF_JMP:
      if (o === op.BPF_CALL || o === op.BPF_EXIT) return op.bpfSrc(code) === op.BPF_K;
      if (o === op.BPF_JA) return op.bpfSrc(code) === op.BPF_K;
      if (o === op.BPF_JCOND) return op.bpfSrc(code) === op.BPF_K;
      return o <= op.BPF_JSLE;
    case BPF_JMP32:
      if (o === op.BPF_JA) return op.bpfSrc(code) === op.BPF_K;
      if (o === op.BPF_CALL || o === op.BPF_EXIT || o === op.BPF_JCOND) return false;
      return o <= op.BPF_JSLE;
    case BPF_LD:
      return code === 0x18 || ((op.bpfMode(code) === op.BPF_ABS || op.bpfMode(code) === op.BPF_IND) && op.bpfSize(code) !== op.BPF_DW);
    case BPF_LDX:
      return op.bpfMode(code) === op.BPF_MEM || (op.bpfMode(code) === op.BPF_MEMSX && op.bpfSize(code) !== op.BPF_DW);
    case BPF_ST:
      return op.bpfMode(code) === op.BPF_MEM;
    case BPF_STX:
      // every size has an atomic form since load-acquire/store-release (6.15)
      return op.bpfMode(code) === op.BPF_MEM || op.bpfMode(code) === op.BPF_ATOMIC;
  }
  return false;
}

/** Jump target of a jump instruction at i (undefined for non-jumps). */
/** Map types a sleepable program may use (check_map_prog_compatibility; the rest need RCU-only access). */
const SLEEPABLE_MAP_TYPES = new Set(['hash', 'lru_hash', 'array', 'percpu_hash', 'percpu_array', 'ringbuf', 'inode_storage', 'sk_storage', 'task_storage', 'cgrp_storage']);

/** core.map.sleepable-type — checked when an ld_imm64 names the map, before the program runs. */
function checkMapProgCompat(prog: Program, i: number): void {
  const r = prog.relocs.find((x) => x.insn === i && (x.kind === 'map_fd' || x.kind === 'map_value'));
  // resolve_pseudo_ldimm64() looks the fd up before verification starts (0 insns processed)
  const insn = prog.insns[i];
  if (!r && insn && (insn.src === op.BPF_PSEUDO_MAP_FD || insn.src === op.BPF_PSEUDO_MAP_VALUE)) reject(RULES.mapNotFound, insn.imm);
  const map = r && (r.kind === 'map_fd' || r.kind === 'map_value') ? prog.maps[r.map] : undefined;
  if (map && isSleepableProgram(prog) && !SLEEPABLE_MAP_TYPES.has(map.type)) reject(RULES.sleepableMapType);
}

export function jumpTarget(insns: Insn[], i: number): number | undefined {
  const insn = insns[i];
  const cls = insnClass(insn.code);
  if (cls !== BPF_JMP && cls !== BPF_JMP32) return undefined;
  const o = op.bpfOp(insn.code);
  if (o === op.BPF_CALL || o === op.BPF_EXIT) return undefined;
  if (insn.code === (BPF_JMP32 | op.BPF_JA)) return i + insn.imm + 1;
  return i + insn.off + 1;
}

export function analyzeCfg(prog: Program, level2: boolean, log: (s: string) => void, callArgs: CallArgCount, iterNextCalls: ReadonlySet<number> = new Set()): CfgInfo {
  const insns = prog.insns;
  const n = insns.length;
  // add_subprog_and_kfunc
  const starts = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (isPseudoCall(insn) || (isLdImm64(insn) && insn.src === op.BPF_PSEUDO_FUNC)) {
      const t = i + insn.imm + 1;
      if (t < 0 || t >= n) reject(RULES.callInvalidDest);
      starts.add(t);
    }
    if (isLdImm64(insn)) i++;
  }
  const subprogStarts = [...starts].sort((a, b) => a - b);
  if (level2) subprogStarts.forEach((s, k) => log(`func#${k} @${s}\n`));
  // check_subprogs
  for (let k = 0; k < subprogStarts.length; k++) {
    const start = subprogStarts[k];
    const end = k + 1 < subprogStarts.length ? subprogStarts[k + 1] : n;
    for (let i = start; i < end; i++) {
      const t = jumpTarget(insns, i);
      if (t !== undefined && (t < start || t >= end)) reject(RULES.jumpOutOfRange, i, t);
      if (i === end - 1) {
        const last = insns[i];
        if (!isExit(last) && !isJa(last)) reject(RULES.lastInsnNotExit);
      }
    }
  }
  // resolve_pseudo_ldimm64: opcode table and ld_imm64 pairs
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (!opcodeValid(insn.code)) reject(RULES.unknownOpcode, insn.code);
    if (isLdImm64(insn)) {
      const hi = insns[i + 1];
      if (i === n - 1 || !hi || hi.code !== 0 || hi.dst !== 0 || hi.src !== 0 || hi.off !== 0) reject(RULES.ldImm64Invalid);
      if (insn.src > op.BPF_PSEUDO_MAP_IDX_VALUE) reject(RULES.ldImm64Unknown);
      checkMapProgCompat(prog, i);
      i++;
    }
  }
  // check_cfg: depth-first walk from each subprogram entry reached
  const prunePoints = new Uint8Array(n);
  const jmpPoints = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (from: number, to: number, branch: boolean): void => {
    if (to < 0 || to >= n) reject(RULES.jumpOutOfRange, from, to);
    if (branch) {
      prunePoints[to] |= 1;
      jmpPoints[to] = 1;
    }
    if (!seen[to]) {
      seen[to] = 1;
      stack.push(to);
    }
  };
  while (stack.length) {
    const t = stack.pop() as number;
    const insn = insns[t];
    if (isExit(insn)) continue;
    // visit_func_call_insn(): the instruction after every call is a prune point (states meet
    // there after the callee or helper returns); the call itself only when it enters a subprogram
    if (isCall(insn)) {
      if (t + 1 < n) {
        prunePoints[t + 1] |= 1;
        jmpPoints[t + 1] = 1;
      }
      // iterator _next calls: prune point and forced checkpoint (mark_force_checkpoint)
      if (iterNextCalls.has(t)) prunePoints[t] |= 3;
      if (insn.src === op.BPF_PSEUDO_CALL) {
        prunePoints[t] |= 1;
        push(t, t + insn.imm + 1, true);
      }
      push(t, t + 1, false);
      continue;
    }
    if (isLdImm64(insn)) {
      if (insn.src === op.BPF_PSEUDO_FUNC) {
        prunePoints[t] |= 1;
        if (t + 2 < n) {
          prunePoints[t + 2] |= 1;
          jmpPoints[t + 2] = 1;
        }
        push(t, t + insn.imm + 1, true);
      }
      push(t, t + 2, false);
      continue;
    }
    const tgt = jumpTarget(insns, t);
    if (tgt === undefined) {
      push(t, t + 1, false);
      continue;
    }
    if (isJa(insn)) {
      push(t, tgt, true);
      continue;
    }
    prunePoints[t] |= 1;
    if (insn.code === (BPF_JMP | op.BPF_JCOND)) prunePoints[t] |= 2;
    push(t, t + 1, false);
    push(t, tgt, true);
  }
  for (let i = 0; i < n; i++) {
    if (!seen[i]) reject(RULES.unreachableInsn, i);
    if (isLdImm64(insns[i])) i++;
  }
  const scc = computeScc(insns);
  const liveBefore = computeLiveRegs(prog, callArgs);
  return { subprogStarts, prunePoints, jmpPoints, scc, liveBefore };
}

function successors(insns: Insn[], i: number): number[] {
  const insn = insns[i];
  if (isExit(insn)) return [];
  if (isLdImm64(insn)) return [i + 2];
  if (isCall(insn)) return [i + 1];
  const t = jumpTarget(insns, i);
  if (t === undefined) return [i + 1];
  if (isJa(insn)) return [t];
  return t === i + 1 ? [i + 1] : [i + 1, t];
}

/** compute_scc(): instructions inside loops get the id of their strongly connected component. */
function computeScc(insns: Insn[]): Int32Array {
  const n = insns.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const scc = new Int32Array(n);
  const st: number[] = [];
  let idx = 0;
  let next = 1;
  const strong = (v0: number): void => {
    const work: { v: number; k: number; succ: number[] }[] = [{ v: v0, k: 0, succ: successors(insns, v0).filter((s) => s < n) }];
    index[v0] = low[v0] = idx++;
    st.push(v0);
    onStack[v0] = 1;
    while (work.length) {
      const top = work[work.length - 1];
      if (top.k < top.succ.length) {
        const w = top.succ[top.k++];
        if (index[w] === -1) {
          index[w] = low[w] = idx++;
          st.push(w);
          onStack[w] = 1;
          work.push({ v: w, k: 0, succ: successors(insns, w).filter((s) => s < n) });
        } else if (onStack[w]) low[top.v] = Math.min(low[top.v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) low[work[work.length - 1].v] = Math.min(low[work[work.length - 1].v], low[top.v]);
      if (low[top.v] === index[top.v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = st.pop() as number;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== top.v);
        const selfLoop = comp.length === 1 && successors(insns, comp[0]).includes(comp[0]);
        if (comp.length > 1 || selfLoop) {
          for (const c of comp) scc[c] = next;
          next++;
        }
      }
    }
  };
  for (let i = 0; i < n; i++) {
    if (index[i] === -1 && !(i > 0 && isLdImm64(insns[i - 1]) && insns[i].code === 0)) strong(i);
  }
  return scc;
}

const ALL_CALLER_SAVED = 0x3f; // r0..r5

/** use/def register masks of one instruction (compute_insn_live_regs). */
function useDef(prog: Program, i: number, helperArgs: (insn: Insn, i: number) => number): { use: number; def: number } {
  const insn = prog.insns[i];
  const cls = insnClass(insn.code);
  const d = 1 << insn.dst;
  const s = 1 << insn.src;
  switch (cls) {
    case BPF_ALU:
    case BPF_ALU64: {
      const o = op.bpfOp(insn.code);
      if (o === op.BPF_MOV) return { def: d, use: op.bpfSrc(insn.code) === op.BPF_X ? s : 0 };
      if (o === op.BPF_END || o === op.BPF_NEG) return { def: d, use: d };
      return { def: d, use: d | (op.bpfSrc(insn.code) === op.BPF_X ? s : 0) };
    }
    case BPF_LDX:
      return { def: d, use: s };
    case BPF_ST:
      return { def: 0, use: d };
    case BPF_STX:
      if (op.bpfMode(insn.code) === op.BPF_ATOMIC) {
        if (insn.imm === op.BPF_CMPXCHG) return { def: 1, use: 1 | d | s };
        if (insn.imm === op.BPF_LOAD_ACQ) return { def: d, use: s };
        if (insn.imm === op.BPF_STORE_REL) return { def: 0, use: d | s };
        return { def: insn.imm & op.BPF_FETCH ? s : 0, use: d | s };
      }
      return { def: 0, use: d | s };
    case BPF_LD:
      if (isLdImm64(insn)) return { def: d, use: 0 };
      return { def: ALL_CALLER_SAVED, use: (1 << 6) | (op.bpfMode(insn.code) === op.BPF_IND ? s : 0) };
    case BPF_JMP:
    case BPF_JMP32: {
      const o = op.bpfOp(insn.code);
      if (o === op.BPF_EXIT) return { def: 0, use: 1 };
      if (o === op.BPF_CALL) {
        const nargs = helperArgs(insn, i);
        return { def: ALL_CALLER_SAVED, use: ((1 << (nargs + 1)) - 1) & ~1 };
      }
      if (o === op.BPF_JA || o === op.BPF_JCOND) return { def: 0, use: 0 };
      return { def: 0, use: d | (op.bpfSrc(insn.code) === op.BPF_X ? s : 0) };
    }
  }
  return { def: 0, use: 0 };
}

/** Number of arguments a call at slot i passes (R1..Rn are read). */
export type CallArgCount = (insn: Insn, i: number) => number;

function computeLiveRegs(prog: Program, callArgs: CallArgCount): Uint16Array {
  const insns = prog.insns;
  const n = insns.length;
  const ud = insns.map((_, i) => useDef(prog, i, callArgs));
  const liveIn = new Uint16Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (i > 0 && isLdImm64(insns[i - 1]) && insns[i].code === 0) continue;
      let out = 0;
      for (const sc of successors(insns, i)) if (sc < n) out |= liveIn[sc];
      const v = (ud[i].use | (out & ~ud[i].def)) & 0x7ff;
      if (v !== liveIn[i]) {
        liveIn[i] = v;
        changed = true;
      }
    }
  }
  return liveIn;
}
