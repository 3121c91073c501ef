// Recording the live trace (src/model/trace/types.ts) while do_check() explores: verify.ts calls
// the four hooks below when VerifyOptions.trace is set, and nothing else changes — the
// exploration, the verdict and the log are the same with and without a recorder.
//
// Paths: every step remembers the step before it on its path. A branch set aside at a
// conditional jump (push_stack) continues from the step of that jump when it is popped, so the
// failing path of a rejected program is the chain of steps from the error back to the start —
// the instructions a level-1 log keeps.
import type { Program } from '../../ir/program.ts';
import { printInsn, type PrintContext } from '../../isa/print.ts';
import { isLdImm64 } from '../../isa/insn.ts';
import type { Env, PendingBranch } from '../env.ts';
import type { VerifierReject } from '../errors.ts';
import { formatFrameState, formatReg } from '../print-state.ts';
import type { Frame, VState } from '../state/state.ts';
import { BPF_REG_SIZE } from '../state/stack.ts';
import type { ModelTrace, TraceError, TraceFrame, TraceInsn, TraceRef, TraceSlot, TraceStep, TraceStepKind } from './types.ts';
import { TRACE_VERSION } from './types.ts';

/** Default bound on recorded steps; the exploration itself is not bounded by it. */
export const DEFAULT_TRACE_LIMIT = 3000;
/** Longest failing path kept (its last part). */
export const MAX_TRACE_PATH = 4096;

/** What verify.ts calls; see the file comment. */
export interface TraceHook {
  /** The state at `idx` was found equivalent to an explored one: the path ends ("idx: safe"). */
  safe(env: Env, idx: number): void;
  /** The instruction at `idx` was processed; env.cur is the state after it. */
  insn(env: Env, idx: number): void;
  /** A path ended and `next` (undefined: none left) was popped from the branch stack. */
  pop(env: Env, next: PendingBranch | undefined): void;
  /** The program was rejected; env.cur is the state at the error. */
  reject(env: Env, e: VerifierReject): void;
}

type Snapshot = Pick<TraceStep, 'frame' | 'frames' | 'refs' | 'locks' | 'extra'>;

/** VState fields that are exploration bookkeeping or shown elsewhere in a step. */
// shown elsewhere, or exploration bookkeeping (the precision history and segment bounds)
const STATE_FIELDS_SHOWN = new Set(['frames', 'curframe', 'refs', 'parent', 'branches', 'insnIdx', 'checkpoint', 'dfsDepth', 'firstInsnIdx', 'lastInsnIdx', 'hist']);
const SLOT_FIELDS_SHOWN = new Set(['bytes', 'spilled']);
const REF_FIELDS_SHOWN = new Set(['id', 'insnIdx', 'kind']);

/** A field value as text for `extra`: primitives and small JSON; undefined for defaults and objects we cannot print. */
function fieldText(v: unknown, keepObjects: boolean): string | undefined {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.length === 0) return undefined;
  if (!keepObjects && !(Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))) return undefined;
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    return s.length > 200 ? `${s.slice(0, 199)}…` : s;
  } catch {
    return undefined; // cyclic or otherwise unprintable: left out rather than guessed
  }
}

function extraFields(obj: object, shown: Set<string>, keepObjects: boolean, skip: (k: string) => boolean = () => false): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (shown.has(k) || skip(k)) continue;
    const t = fieldText(v, keepObjects);
    if (t !== undefined) (out ??= {})[k] = t;
  }
  return out;
}

/** Length of the common prefix and suffix of a and b (not overlapping in the shorter one). */
function commonEnds(a: string, b: string): [number, number] {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return [p, s];
}

const EMPTY = new Set<number>();

function snapFrame(st: VState, f: Frame, prog: Program): TraceFrame {
  const regs: TraceFrame['regs'] = [];
  f.regs.forEach((r, i) => {
    if (r.type === 'not_init') return;
    regs.push(r.refObjId ? { r: i, t: formatReg(r, f, prog), ref: r.refObjId } : { r: i, t: formatReg(r, f, prog) });
  });
  const stack: TraceSlot[] = [];
  // The slot's text is whatever print_verifier_state() prints for it alone: the difference between
  // printing the frame with only this slot and with nothing, so slot kinds the printer learns
  // later appear here unchanged.
  const bare = formatFrameState(st, f.frameno, prog, { regs: EMPTY, slots: EMPTY });
  for (let i = 0; i < f.stack.length; i++) {
    const slot = f.stack[i];
    if (!slot.bytes.some((b) => b !== 'invalid')) continue;
    const one = formatFrameState(st, f.frameno, prog, { regs: EMPTY, slots: new Set([i]) });
    const [p, s] = commonEnds(bare, one);
    const mid = one.slice(p, one.length - s);
    const eq = mid.indexOf('=');
    const t = eq >= 0 ? mid.slice(eq + 1).trim() : '';
    const extra = extraFields(slot, SLOT_FIELDS_SHOWN, true);
    // the kernel classifies a slot by its lowest byte; a partly written slot by the bytes it has
    const low = slot.bytes[BPF_REG_SIZE - 1];
    const kind = low !== 'invalid' ? low : (slot.bytes.find((b) => b !== 'invalid') ?? low);
    const out: TraceSlot = { off: -(i + 1) * BPF_REG_SIZE, kind, t };
    if (extra) out.extra = extra;
    stack.push(out);
  }
  return { no: f.frameno, callsite: f.callsite, regs, stack };
}

function snapshot(st: VState, prog: Program): Snapshot {
  const refs: TraceRef[] = st.refs.map((r) => {
    const extra = extraFields(r, REF_FIELDS_SHOWN, true);
    return extra ? { id: r.id, insn: r.insnIdx, kind: r.kind, extra } : { id: r.id, insn: r.insnIdx, kind: r.kind };
  });
  const locks: Record<string, number> = {};
  for (const [k, v] of Object.entries(st)) if (k.startsWith('active') && typeof v === 'number' && v !== 0) locks[k] = v;
  const snap: Snapshot = { frame: st.curframe, frames: st.frames.map((f) => snapFrame(st, f, prog)), refs, locks };
  const extra = extraFields(st, STATE_FIELDS_SHOWN, false, (k) => k.startsWith('active'));
  if (extra) snap.extra = extra;
  return snap;
}

/** The program listing: one entry per instruction (the second slot of ld_imm64 is not listed). */
export function traceListing(prog: Program, ctx: PrintContext): TraceInsn[] {
  const out: TraceInsn[] = [];
  for (let i = 0; i < prog.insns.length; i++) {
    out.push({ idx: i, text: printInsn(prog.insns[i], ctx, prog.insns[i + 1]), line: null });
    if (isLdImm64(prog.insns[i])) i++;
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The line of `lines` (from `from` on) each step printed in a level-2 log: steps are in log order,
 * so one forward scan matches them; a step whose line is not found keeps -1 and the scan goes on
 * from where it was.
 */
export function matchLogLines(steps: readonly Pick<TraceStep, 'kind' | 'insn' | 'from'>[], lines: readonly string[], message: string | null): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const s of steps) {
    let re: RegExp;
    switch (s.kind) {
      case 'insn':
        re = new RegExp(`^${s.insn}: \\(`);
        break;
      case 'branch':
        re = new RegExp(`^from ${s.from ?? '\\d+'} to ${s.insn}:(?! safe$)`);
        break;
      case 'safe':
        re = new RegExp(`^(from \\d+ to )?${s.insn}: safe$`);
        break;
      case 'error':
        // a few messages end without a newline: the next line starts right after them
        re = message !== null ? new RegExp(`^${escapeRe(message.split('\n')[0])}`) : /(?!)/;
        break;
    }
    let found = -1;
    for (let l = pos; l < lines.length; l++) {
      if (re.test(lines[l])) {
        found = l;
        break;
      }
    }
    out.push(found);
    if (found >= 0) pos = found + 1;
  }
  return out;
}

/**
 * Records the trace of one verification. Steps past `limit` are not recorded (the trace is then
 * marked truncated) but still counted and linked, so the failing path is known in full.
 */
export class TraceRecorder implements TraceHook {
  private readonly steps: TraceStep[] = [];
  /** Instruction and path predecessor of every step, recorded or not. */
  private readonly stepInsn: number[] = [];
  private readonly stepKind: TraceStepKind[] = [];
  private readonly stepPrev: number[] = [];
  /** The step (the conditional jump) each branch on the stack continues from. */
  private readonly pushedAt = new WeakMap<PendingBranch, number>();
  private stackLen = 0;
  /** Last step of the current path. */
  private last = -1;
  /** A popped branch whose 'branch' step is written when its path proceeds ("from X to Y"). */
  private popped: { from: number; insn: number; snap: Snapshot | null } | null = null;
  private done = false;
  private error: { rule: string; message: string; step: number | null; insn: number | null } | null = null;
  private readonly listing: TraceInsn[];
  private readonly limit: number;

  constructor(prog: Program, ctx: PrintContext, limit = DEFAULT_TRACE_LIMIT) {
    this.listing = traceListing(prog, ctx);
    this.limit = limit;
  }

  private add(kind: TraceStepKind, insn: number, snap: () => Snapshot, from?: number): number {
    const n = this.stepInsn.length;
    this.stepInsn.push(insn);
    this.stepKind.push(kind);
    this.stepPrev.push(this.last);
    if (n < this.limit) {
      const step: TraceStep = { kind, insn, prev: this.last, logLine: -1, ...snap() };
      if (from !== undefined) step.from = from;
      this.steps.push(step);
    }
    this.last = n;
    return n;
  }

  /** Write the pending "from X to Y" step of a popped branch before its path goes on. */
  private flushPopped(): void {
    const p = this.popped;
    if (!p) return;
    this.popped = null;
    const snap = p.snap;
    this.add('branch', p.insn, () => snap ?? { frame: 0, frames: [], refs: [], locks: {} }, p.from);
  }

  safe(env: Env, idx: number): void {
    const p = this.popped;
    this.popped = null;
    // "from X to Y: safe" is one line: the popped state is the one found safe
    if (p) this.add('safe', idx, () => p.snap ?? snapshot(env.cur, env.prog), p.from);
    else this.add('safe', idx, () => snapshot(env.cur, env.prog));
  }

  insn(env: Env, idx: number): void {
    this.flushPopped();
    const n = this.add('insn', idx, () => snapshot(env.cur, env.prog));
    // branches pushed while processing this instruction continue from it
    for (let k = this.stackLen; k < env.stack.length; k++) this.pushedAt.set(env.stack[k], n);
    this.stackLen = env.stack.length;
  }

  pop(env: Env, next: PendingBranch | undefined): void {
    this.stackLen = env.stack.length;
    if (!next) {
      this.done = true;
      return;
    }
    this.last = this.pushedAt.get(next) ?? -1;
    // the popped state, before its first instruction runs
    const recording = this.stepInsn.length < this.limit;
    this.popped = { from: next.prevInsnIdx, insn: next.insnIdx, snap: recording ? snapshot(next.state, env.prog) : null };
  }

  reject(env: Env, e: VerifierReject): void {
    // Rejections before exploration (CFG checks) and after it (stack depth) are not on a path.
    if (this.done || env.insnProcessed === 0) {
      this.error = { rule: e.ruleId, message: e.message, step: null, insn: null };
      return;
    }
    this.flushPopped();
    const n = this.add('error', env.insnIdx, () => snapshot(env.cur, env.prog));
    this.error = { rule: e.ruleId, message: e.message, step: n, insn: env.insnIdx };
  }

  /** The trace, given the run's verdict, its log (level 2 for log lines) and `processed N insns`. */
  finish(verdict: 'accept' | 'reject', log: string, insnProcessed: number): ModelTrace {
    const lines = log.split('\n');
    const logLines = matchLogLines(this.steps, lines, this.error?.message ?? null);
    this.steps.forEach((s, i) => (s.logLine = logLines[i]));
    const truncated = this.stepInsn.length > this.steps.length;
    let error: TraceError | null = null;
    if (this.error) {
      const chain: number[] = [];
      for (let s = this.error.step ?? -1; s >= 0; s = this.stepPrev[s]) chain.push(s);
      chain.reverse();
      // the instructions processed on the path: a 'branch' step only repeats the next one's index
      const path = chain.filter((s) => this.stepKind[s] !== 'branch').map((s) => this.stepInsn[s]);
      const recorded = this.error.step !== null && this.error.step < this.steps.length;
      error = {
        rule: this.error.rule, message: this.error.message, insn: this.error.insn, step: recorded ? this.error.step : null,
        path: path.slice(-MAX_TRACE_PATH), pathSteps: recorded ? chain : [], pathTruncated: path.length > MAX_TRACE_PATH,
      };
    }
    return {
      version: TRACE_VERSION, insns: this.listing, steps: this.steps, insnProcessed, truncated, verdict, error,
      log: truncated ? cutLog(lines, this.steps) : log,
    };
  }
}

/** A truncated trace's log ends with the last recorded step's line. */
function cutLog(lines: string[], steps: TraceStep[]): string {
  let last = -1;
  for (const s of steps) if (s.logLine > last) last = s.logLine;
  return last < 0 ? '' : lines.slice(0, last + 1).join('\n') + '\n';
}
