// Differential-testing harness for the scalar domain: small straight-line BPF programs
// whose verifier log (log_level 2) is compared line by line with the model.
//
// Program shape (socket filter):
//   0: call bpf_ktime_get_ns      ; unknown 64-bit scalar
//   1: r6 = r0
//   2: call bpf_ktime_get_ns
//   3: r7 = r0
//   4..: body (ALU ops and conditional jumps on r6/r7; jumps go to the exit block)
//   r0 = r6; r0 += r7; exit       ; keeps r6/r7 live
//   r0 = 0; exit                  ; exit block, only present when the body has a jump
//
// The checker replays the body with the model, following the kernel's exploration order
// (depth first; pushed states popped LIFO, announced by "from X to Y:" lines), and
// compares every R6/R7 value the kernel prints (precision marks and ids stripped) with
// formatScalar() of the model state.  "verifier bug:" lines (invariant violations) must
// match the model's violations in order.
//
// This file is shared by the fixture-replay test, the optional live-kernel test and the
// fixture generator script; it has no Node dependencies.

import { type AluOp, aluImm, scalarAluOutcome } from '../../../src/model/scalar/alu.ts';
import { type JmpOp, kernelBranchOutcome } from '../../../src/model/scalar/branch.ts';
import { formatScalar } from '../../../src/model/scalar/format.ts';
import { type ScalarBounds, regBoundsSync, scalarUnknown, scalarWellFormed } from '../../../src/model/scalar/scalar.ts';
import { tnum, tnumUnion, toS32, toS64, toU32 } from '../../../src/model/scalar/tnum.ts';

export type Src = { readonly r: number } | { readonly imm: number };
export type Ins =
  | { readonly k: 'alu'; readonly op: AluOp; readonly is64: boolean; readonly dst: number; readonly src: Src }
  | { readonly k: 'jmp'; readonly op: JmpOp; readonly is32: boolean; readonly dst: number; readonly src: Src };
export interface Prog {
  readonly insns: readonly Ins[];
}

// ---------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32)

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    const v = a[this.int(a.length)];
    if (v === undefined) throw new Error('pick from empty array');
    return v;
  }
  /** A uniformly random u64. */
  u64(): bigint {
    const hi = BigInt(Math.floor(this.next() * 2 ** 32));
    const lo = BigInt(Math.floor(this.next() * 2 ** 32));
    return (hi << 32n) | lo;
  }
}

// ---------------------------------------------------------------------------------------
// Program generation

const IMMS = [
  0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 100, 255, 256, 4095, 0x7fff, 0x8000, 0xffff,
  0x10000, 0x7fffffff, -1, -2, -8, -16, -128, -255, -256, -0x8000, -0x80000000, 0x12345678,
  -0x12345678, 0x40000000,
];
const SHAPE_ALU: readonly AluOp[] = [
  'add', 'sub', 'and', 'or', 'xor', 'lsh', 'rsh', 'arsh', 'mul', 'and', 'and', 'or', 'neg',
  'mov', 'movsx8', 'movsx16', 'movsx32', 'le16', 'be32', 'bswap64',
];
export const TEST_ALU: readonly AluOp[] = [
  'add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'xor', 'lsh', 'rsh', 'arsh',
  'neg', 'mov', 'movsx8', 'movsx16', 'movsx32', 'bswap16', 'bswap32', 'bswap64', 'le16',
  'le32', 'le64', 'be16', 'be32', 'be64',
];
export const TEST_JMP: readonly JmpOp[] = [
  'jeq', 'jne', 'jset', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle',
];

function genImm(rng: Rng): number {
  const r = rng.next();
  if (r < 0.6) return rng.pick(IMMS);
  if (r < 0.8) return rng.int(1000) - 500;
  return rng.int(0x100000000) | 0;
}

function genAlu(rng: Rng, op: AluOp, shaping: boolean): Ins {
  const is64 = op === 'movsx32' ? true : rng.next() < 0.6;
  const dst = rng.pick([6, 7]);
  const other = dst === 6 ? 7 : 6;
  const useReg = !shaping && op !== 'neg' && rng.next() < 0.5;
  let src: Src;
  // Register moves link the two registers' ids (and then sync_linked_regs() copies bounds
  // between them after jumps), which is outside the scalar domain: move from self only.
  if (op.startsWith('movsx') || (op === 'mov' && useReg)) src = { r: dst };
  else if (useReg) src = { r: rng.next() < 0.15 ? dst : other };
  else {
    let v = genImm(rng);
    if (op === 'lsh' || op === 'rsh' || op === 'arsh') v = rng.int(is64 ? 64 : 32);
    if ((op === 'div' || op === 'mod' || op === 'sdiv' || op === 'smod') && v === 0) v = 3;
    src = { imm: v };
  }
  return { k: 'alu', op, is64, dst, src };
}

function genJmp(rng: Rng, op: JmpOp, shaping: boolean): Ins {
  const dst = rng.pick([6, 7]);
  const other = dst === 6 ? 7 : 6;
  const useReg = !shaping && rng.next() < 0.5;
  const src: Src = useReg ? { r: rng.next() < 0.2 ? dst : other } : { imm: genImm(rng) };
  return { k: 'jmp', op, is32: rng.next() < 0.4, dst, src };
}

/** A random program: 2-7 (or `maxShaping`) shaping instructions, then 2 under test. */
export function genProg(rng: Rng, maxShaping = 7): Prog {
  const insns: Ins[] = [];
  const n = 2 + rng.int(Math.max(1, maxShaping - 1));
  for (let i = 0; i < n; i++) {
    insns.push(
      rng.next() < 0.55
        ? genAlu(rng, rng.pick(SHAPE_ALU), true)
        : genJmp(rng, rng.pick(TEST_JMP), true),
    );
  }
  for (let i = 0; i < 2; i++) {
    insns.push(
      rng.next() < 0.5
        ? genAlu(rng, rng.pick(TEST_ALU), false)
        : genJmp(rng, rng.pick(TEST_JMP), false),
    );
  }
  return { insns };
}

// ---------------------------------------------------------------------------------------
// Encoding (struct bpf_insn, little endian)

const ALU_CODE: Record<string, number> = {
  add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, sdiv: 0x30, or: 0x40, and: 0x50, lsh: 0x60,
  rsh: 0x70, neg: 0x80, mod: 0x90, smod: 0x90, xor: 0xa0, mov: 0xb0, movsx8: 0xb0,
  movsx16: 0xb0, movsx32: 0xb0, arsh: 0xc0,
};
const JMP_CODE: Record<JmpOp, number> = {
  jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40, jne: 0x50, jsgt: 0x60, jsge: 0x70, jlt: 0xa0,
  jle: 0xb0, jslt: 0xc0, jsle: 0xd0,
};
const PROLOGUE = 4;

interface RawInsn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

function encodeBody(ins: Ins, idx: number, exitIdx: number): RawInsn {
  if (ins.k === 'jmp') {
    const cls = ins.is32 ? 0x06 : 0x05;
    const off = exitIdx - (idx + 1);
    if ('r' in ins.src) return { code: cls | JMP_CODE[ins.op] | 0x08, dst: ins.dst, src: ins.src.r, off, imm: 0 };
    return { code: cls | JMP_CODE[ins.op], dst: ins.dst, src: 0, off, imm: ins.src.imm };
  }
  const op = ins.op;
  const end = /^(bswap|le|be)(16|32|64)$/.exec(op);
  if (end !== null) {
    const code = end[1] === 'bswap' ? 0xd7 : end[1] === 'le' ? 0xd4 : 0xdc;
    return { code, dst: ins.dst, src: 0, off: 0, imm: Number(end[2]) };
  }
  const cls = ins.is64 ? 0x07 : 0x04;
  if (op === 'neg') return { code: cls | 0x80, dst: ins.dst, src: 0, off: 0, imm: 0 };
  let off = op === 'sdiv' || op === 'smod' ? 1 : 0;
  if (op.startsWith('movsx')) off = Number(op.slice(5));
  const base = ALU_CODE[op];
  if (base === undefined) throw new Error(`cannot encode ${op}`);
  if ('r' in ins.src) return { code: cls | base | 0x08, dst: ins.dst, src: ins.src.r, off, imm: 0 };
  return { code: cls | base, dst: ins.dst, src: 0, off, imm: ins.src.imm };
}

/** Index of the exit block's first instruction. */
export function exitIndex(prog: Prog): number {
  return PROLOGUE + prog.insns.length + 3;
}

/** The program as kernel instructions (8 bytes each). */
export function encodeProg(prog: Prog): Uint8Array {
  const raw: RawInsn[] = [
    { code: 0x85, dst: 0, src: 0, off: 0, imm: 5 },
    { code: 0xbf, dst: 6, src: 0, off: 0, imm: 0 },
    { code: 0x85, dst: 0, src: 0, off: 0, imm: 5 },
    { code: 0xbf, dst: 7, src: 0, off: 0, imm: 0 },
  ];
  const e = exitIndex(prog);
  prog.insns.forEach((ins, i) => raw.push(encodeBody(ins, PROLOGUE + i, e)));
  raw.push({ code: 0xbf, dst: 0, src: 6, off: 0, imm: 0 });
  raw.push({ code: 0x0f, dst: 0, src: 7, off: 0, imm: 0 });
  raw.push({ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
  if (prog.insns.some((i) => i.k === 'jmp')) {
    raw.push({ code: 0xb7, dst: 0, src: 0, off: 0, imm: 0 });
    raw.push({ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 });
  }
  const out = new Uint8Array(raw.length * 8);
  const dv = new DataView(out.buffer);
  raw.forEach((r, i) => {
    dv.setUint8(i * 8, r.code);
    dv.setUint8(i * 8 + 1, ((r.src & 0xf) << 4) | (r.dst & 0xf));
    dv.setInt16(i * 8 + 2, r.off, true);
    dv.setInt32(i * 8 + 4, r.imm, true);
  });
  return out;
}

// ---------------------------------------------------------------------------------------
// Log parsing

/** Split "R0=... R6=scalar(... var_off=(0x0; 0xff)) R10=fp0" into register -> text. */
export function splitRegs(s: string): Map<number, string> {
  const toks: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ' ' && depth === 0) {
      if (cur !== '') toks.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') toks.push(cur);
  const m = new Map<number, string>();
  for (const t of toks) {
    const mm = /^R(\d+)=(.*)$/.exec(t);
    if (mm !== null) m.set(Number(mm[1]), mm[2] ?? '');
  }
  return m;
}

/** Drop the precision mark and the id attribute (outside the scalar domain). */
export function normalizeReg(v: string): string {
  return v
    .replace(/^P/, '')
    .replace(/id=\d+([+-]\d+)?,?/, '')
    .replace(/,\)$/, ')');
}

interface Segment {
  readonly from: number;
  readonly to: number;
  readonly head: string;
  readonly lines: string[];
}

function keepR67(state: string): string {
  const regs = splitRegs(state);
  return [6, 7]
    .filter((r) => regs.has(r))
    .map((r) => `R${r}=${regs.get(r) ?? ''}`)
    .join(' ');
}

/**
 * Keep only what the checker reads (for compact fixtures): instruction lines, "from"
 * lines and bug reports, with register lists reduced to R6/R7.
 */
export function trimLog(log: string): string {
  const lines = log.split('\n');
  const start = lines.findIndex((l) => l.startsWith('0: R1=ctx'));
  const end = lines.findIndex((l) => l.startsWith('processed'));
  const out: string[] = ['0: R1=ctx() R10=fp0'];
  for (const l of lines.slice(start < 0 ? 0 : start + 1, end < 0 ? lines.length : end)) {
    const insn = /^(\d+: \(\w\w\)) .*?(?:\s+; (.*))?$/.exec(l);
    const from = /^(from \d+ to \d+:) ?(.*)$/.exec(l);
    const st = /^(\d+:) (R.*)$/.exec(l);
    if (insn !== null) {
      // the disassembly is dropped: only the index and opcode are needed
      out.push(insn[2] === undefined ? `${insn[1] ?? ''} -` : `${insn[1] ?? ''} - ; ${keepR67(insn[2])}`);
    } else if (from !== null) {
      out.push(`${from[1] ?? ''} ${keepR67(from[2] ?? '')}`);
    } else if (st !== null) {
      out.push(`${st[1] ?? ''} ${keepR67(st[2] ?? '')}`);
    } else if (/^(\d+: safe|verifier bug: )/.test(l)) {
      out.push(l);
    }
  }
  return out.join('\n');
}

function segments(log: string): Segment[] {
  const segs: Segment[] = [];
  let cur: Segment | null = null;
  let started = false;
  for (const ln of log.split('\n')) {
    if (!started) {
      if (ln.startsWith('0: R1=ctx') || ln.startsWith('0: (85)')) {
        started = true;
        cur = { from: -1, to: 0, head: '', lines: [] };
        segs.push(cur);
        if (ln.startsWith('0: (85)')) cur.lines.push(ln);
      }
      continue;
    }
    const fm = /^from (\d+) to (\d+): ?(.*)$/.exec(ln);
    if (fm !== null) {
      cur = { from: Number(fm[1]), to: Number(fm[2]), head: fm[3] ?? '', lines: [] };
      segs.push(cur);
      continue;
    }
    if (ln.startsWith('processed')) break;
    cur?.lines.push(ln);
  }
  return segs;
}

// ---------------------------------------------------------------------------------------
// Replay

interface Push {
  readonly from: number;
  readonly to: number;
  readonly regs: Map<number, ScalarBounds>;
}

const fmt = (s: ScalarBounds): string => formatScalar(s, { precise: false });

function regOf(regs: Map<number, ScalarBounds>, r: number): ScalarBounds {
  const s = regs.get(r);
  if (s === undefined) throw new Error(`no state for r${r}`);
  return s;
}

/**
 * Compare a verifier log of `prog` with the model.  Returns the list of discrepancies
 * (empty when the model reproduces every printed R6/R7 value, the exploration order and
 * the invariant-violation reports).
 */
export function checkProgram(prog: Prog, log: string): string[] {
  const errs: string[] = [];
  const E = exitIndex(prog);
  const segs = segments(log);
  if (segs.length === 0) return ['no verifier log'];
  const stack: Push[] = [];
  const kernelBugs: string[] = [];
  const modelBugs: string[] = [];

  const run = (start: number, regsIn: Map<number, ScalarBounds>, seg: Segment, tag: string): void => {
    let regs = regsIn;
    let li = 0;
    // The state the kernel printed after instruction i, 'safe' when the path ends.
    const after = (i: number): Map<number, string> | null | 'end' => {
      while (li < seg.lines.length) {
        const ln = seg.lines[li++] ?? '';
        if (ln.startsWith(`${i}: safe`)) return 'end';
        const m = /^(\d+): \((\w\w)\) (.*?)(?:\s+; (.*))?$/.exec(ln);
        if (m === null) continue;
        if (Number(m[1]) !== i) {
          errs.push(`${tag}: expected insn ${i}, kernel at: ${ln}`);
          return 'end';
        }
        if (m[4] !== undefined) return splitRegs(m[4]);
        while ((seg.lines[li] ?? '').startsWith('verifier bug: ')) {
          kernelBugs.push((seg.lines[li] ?? '').slice('verifier bug: '.length));
          li++;
        }
        const nx = seg.lines[li];
        if (nx !== undefined && nx.startsWith(`${i}: R`)) {
          li++;
          return splitRegs(nx.slice(nx.indexOf(':') + 2));
        }
        return null;
      }
      return 'end';
    };
    for (let idx = start; idx < PROLOGUE + prog.insns.length; ) {
      const printed = after(idx);
      if (printed === 'end') return;
      if (idx < PROLOGUE) {
        idx++;
        continue;
      }
      const ins = prog.insns[idx - PROLOGUE];
      if (ins === undefined) return;
      const dst = regOf(regs, ins.dst);
      const src = 'r' in ins.src ? regOf(regs, ins.src.r) : aluImm(ins.src.imm);
      let next = idx + 1;
      if (ins.k === 'alu') {
        const o = scalarAluOutcome(ins.op, dst, src, ins.is64);
        if (o.violation !== null) modelBugs.push(o.violation);
        if (o.forkedInput !== null) {
          stack.push({ from: idx, to: idx, regs: new Map(regs).set(ins.dst, o.forkedInput) });
        }
        regs = new Map(regs).set(ins.dst, o.result);
      } else {
        const same = 'r' in ins.src && ins.src.r === ins.dst;
        const ko = kernelBranchOutcome(ins.op, dst, src, ins.is32, { sameReg: same });
        modelBugs.push(...ko.violations);
        if (ko.pred === -1 && ko.taken !== null && ko.fallthrough !== null) {
          const t = new Map(regs).set(ins.dst, ko.taken.dst);
          if ('r' in ins.src) t.set(ins.src.r, ko.taken.src);
          stack.push({ from: idx, to: E, regs: t });
          regs = new Map(regs).set(ins.dst, ko.fallthrough.dst);
          if ('r' in ins.src) regs.set(ins.src.r, ko.fallthrough.src);
        } else if (ko.pred === 1) {
          next = E;
        }
      }
      for (const r of [6, 7]) {
        if (!scalarWellFormed(regOf(regs, r))) errs.push(`${tag} insn ${idx}: malformed model state for R${r}`);
      }
      if (printed !== null) {
        for (const [r, v] of printed) {
          if (r !== 6 && r !== 7) continue;
          const mine = fmt(regOf(regs, r));
          if (normalizeReg(v) !== mine) {
            errs.push(`${tag} insn ${idx} ${JSON.stringify(ins)}: R${r}\n  kernel ${normalizeReg(v)}\n  model  ${mine}`);
          }
        }
      }
      if (errs.length > 0 || next === E) return;
      idx = next;
    }
  };

  const first = segs[0];
  if (first === undefined) return ['no verifier log'];
  run(0, new Map([[6, scalarUnknown()], [7, scalarUnknown()]]), first, 'main');
  for (let s = 1; s < segs.length && errs.length === 0; s++) {
    const seg = segs[s];
    if (seg === undefined) break;
    const p = stack.pop();
    if (p === undefined) {
      errs.push(`kernel explores an extra state from ${seg.from} to ${seg.to}`);
      break;
    }
    if (p.from !== seg.from || p.to !== seg.to) {
      errs.push(`pushed state mismatch: model ${p.from}->${p.to}, kernel ${seg.from}->${seg.to}`);
      break;
    }
    const head = splitRegs(seg.head);
    for (const r of [6, 7]) {
      const kv = head.get(r);
      if (kv === undefined) continue;
      const mine = fmt(regOf(p.regs, r));
      if (normalizeReg(kv) !== mine) {
        errs.push(`from ${p.from} to ${p.to}: R${r}\n  kernel ${normalizeReg(kv)}\n  model  ${mine}`);
      }
    }
    if (errs.length === 0 && seg.to !== E) run(seg.to, p.regs, seg, `branch ${s}`);
  }
  if (errs.length === 0 && kernelBugs.join('\n') !== modelBugs.join('\n')) {
    errs.push(`invariant violations differ:\n  kernel ${kernelBugs.join(' | ')}\n  model  ${modelBugs.join(' | ')}`);
  }
  if (errs.length === 0 && stack.length > 0) {
    errs.push(`model pushed ${stack.length} state(s) the kernel never explored`);
  }
  return errs;
}

// ---------------------------------------------------------------------------------------
// Random abstract values for property tests

/** The tightest abstract value of a set of concrete u64s (every component separately). */
export function abstractOf(values: readonly bigint[]): ScalarBounds {
  const first = values[0];
  if (first === undefined) throw new Error('empty set');
  let t = tnum(first, 0n);
  for (const v of values) t = tnumUnion(t, tnum(v, 0n));
  const min = (a: bigint[]): bigint => a.reduce((x, y) => (y < x ? y : x));
  const max = (a: bigint[]): bigint => a.reduce((x, y) => (y > x ? y : x));
  const u = [...values];
  const sv = values.map(toS64);
  const u32 = values.map(toU32);
  const s32 = values.map(toS32);
  return regBoundsSync(
    Object.freeze({
      varOff: t,
      umin: min(u),
      umax: max(u),
      smin: min(sv),
      smax: max(sv),
      u32min: min(u32),
      u32max: max(u32),
      s32min: min(s32),
      s32max: max(s32),
    }),
  );
}

/** Random sets of "interesting" u64 values. */
export function randomSet(rng: Rng): bigint[] {
  const n = 1 + rng.int(5);
  const base = rng.u64();
  const out: bigint[] = [];
  const style = rng.int(5);
  for (let i = 0; i < n; i++) {
    let v: bigint;
    if (style === 0) v = BigInt(rng.int(512)) - 256n; // small, both signs
    else if (style === 1) v = base + BigInt(rng.int(64)); // clustered anywhere
    else if (style === 2) v = (base & ~0xffffn) | BigInt(rng.int(0x10000)); // fixed upper bits
    else if (style === 3) v = BigInt(rng.int(0x10000)) << BigInt(rng.int(48));
    else v = rng.u64();
    out.push(BigInt.asUintN(64, v));
  }
  return out;
}
