// The fuzzer's program grammar: random programs over the features the model covers, written
// as bpfspec assembly so a disagreement can be pasted into specs/ as it is.
//
// The generator keeps a rough idea of what each register and stack slot holds, so most
// statements are ones the verifier can accept and the programs get past their first
// instruction; a small share of deliberately wrong statements (uninitialised reads, unchecked
// NULL, out-of-bounds offsets, pointer misuse) exercises the rejection paths.
import { Rng } from './rng.ts';
import { cloneState, join, newState, sgn, type GenState, type Val } from './gen-state.ts';
import { kfuncBeforeExit, kfuncStatement, KFUNC_FEATURES } from './kfunc-grammar.ts';
import { iterBeforeExit, iterStatement, ITER_FEATURES } from './iter-grammar.ts';

/** The core features: socket and tc programs without kfuncs. */
export const CORE_FEATURES = ['alu', 'stack', 'maps', 'atomics', 'branches', 'loops', 'calls', 'ctx', 'invalid'] as const;
export const FEATURES = [...CORE_FEATURES, ...KFUNC_FEATURES, ...ITER_FEATURES] as const;
export type Feature = (typeof FEATURES)[number];

export const isFeature = (s: string): s is Feature => (FEATURES as readonly string[]).includes(s);

export interface GeneratedProgram {
  section: 'socket' | 'tc' | 'syscall';
  /** Body lines (labels end with ':'); the preamble, header and name are added by `render`. */
  lines: string[];
  /** Lines of the subprogram appended after the main program (empty if none). */
  sub: string[];
}

export interface GenOptions {
  features: readonly Feature[];
  /** Upper bound on top-level statements. */
  maxStatements: number;
}

export const PREAMBLE = [
  'struct val { long a; long b; };',
  'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, struct val); } arr SEC(".maps");',
  'struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, int); __type(value, struct val); } hmap SEC(".maps");',
  'long counter SEC(".bss");',
  'const volatile long limit = 7;',
];

const VALUE_SIZE = 16;
const ALU_OPS = ['+=', '-=', '*=', '&=', '|=', '^=', '<<=', '>>=', 's>>=', '/=', '%='] as const;
const JMP_OPS = ['==', '!=', '>', '>=', '<', '<=', 's>', 's>=', 's<', 's<=', '&'] as const;
const SIZES = [['u8', 1], ['u16', 2], ['u32', 4], ['u64', 8]] as const;
const SKB_READ_OFFS = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68];
const HELPERS = ['bpf_ktime_get_ns', 'bpf_get_prandom_u32', 'bpf_get_smp_processor_id'];
const CALLER_SAVED = [1, 2, 3, 4, 5];

class Generator {
  private readonly out: string[] = [];
  private labelN = 0;
  private lastId = 0;
  private usesSub = false;
  readonly rng: Rng;
  private readonly opts: GenOptions;
  private readonly section: GeneratedProgram['section'];
  constructor(rng: Rng, opts: GenOptions) {
    this.rng = rng;
    this.opts = opts;
    // kfunc programs are syscall programs: sleepable, and every kfunc set in scope is registered for them
    this.section = opts.features.some((f) => (KFUNC_FEATURES as readonly string[]).includes(f)) ? 'syscall' : rng.chance(0.5) ? 'socket' : 'tc';
  }

  freshId(): number {
    return ++this.lastId;
  }

  has(f: Feature): boolean {
    return this.opts.features.includes(f);
  }

  emit(line: string): void {
    this.out.push(line);
  }

  label(): string {
    return `l${this.labelN++}`;
  }

  regsWhere(s: GenState, pred: (v: Val) => boolean): number[] {
    const out: number[] = [];
    for (let r = 0; r <= 9; r++) if (!s.reserved.has(r) && pred(s.regs[r] ?? { k: 'none' })) out.push(r);
    return out;
  }

  /** A register to overwrite (never r10, never a loop counter). */
  dst(s: GenState): number {
    const free = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((r) => !s.reserved.has(r) && !s.pinned.has(r));
    return this.rng.pick(free);
  }

  scalarReg(s: GenState): number | null {
    const rs = this.regsWhere(s, (v) => v.k === 'scalar');
    return rs.length ? this.rng.pick(rs) : null;
  }

  imm(): number {
    return this.rng.weighted<number>([
      [6, this.rng.int(-4, 16)],
      [2, this.rng.int(-1000, 1000)],
      [1, this.rng.pick([0x7fffffff, -0x80000000, 0xffff, 255, 256, -1])],
    ]);
  }

  generate(): GeneratedProgram {
    const s = newState();
    if (this.has('ctx') && this.rng.chance(0.7)) {
      this.emit('r6 = r1');
      s.regs[6] = { k: 'ctx' };
    }
    const n = this.rng.int(1, this.opts.maxStatements);
    for (let i = 0; i < n; i++) this.statement(s);
    this.exit(s);
    const sub = this.usesSub ? ['r0 = r1', 'r0 += 1', 'exit'] : [];
    return { section: this.section, lines: this.out, sub };
  }

  exit(s: GenState): void {
    iterBeforeExit(this, s);
    kfuncBeforeExit(this, s);
    s.dead = true;
    if (this.has('invalid') && this.rng.chance(0.05)) {
      this.emit('exit'); // r0 may be unset or a pointer
      return;
    }
    const r = this.scalarReg(s);
    if (r !== null && r !== 0 && this.rng.chance(0.3)) this.emit(`r0 = r${r}`);
    else if (r !== 0 || this.rng.chance(0.5)) this.emit(`r0 = ${this.rng.int(0, 2)}`);
    this.emit('exit');
  }

  statement(s: GenState): void {
    const choices: [number, () => void][] = [[4, () => this.movImm(s)], [3, () => this.movReg(s)]];
    if (this.has('alu')) choices.push([6, () => this.alu(s)]);
    if (this.has('stack')) choices.push([3, () => this.stackStore(s)], [3, () => this.stackLoad(s)], [1, () => this.fpArith(s)]);
    if (this.has('maps')) choices.push([3, () => this.mapLookup(s)], [4, () => this.nullCheck(s)], [3, () => this.valueAccess(s)], [1, () => this.global(s)]);
    if (this.has('atomics')) choices.push([2, () => this.atomic(s)]);
    if (this.has('branches') && s.depth < 3) choices.push([4, () => this.branch(s)]);
    if (this.has('loops') && s.depth < 2) choices.push([1, () => this.loop(s)]);
    if (this.has('calls')) choices.push([2, () => this.helperCall(s)], [1, () => this.subCall(s)]);
    if (this.has('ctx')) choices.push([2, () => this.ctxLoad(s)]);
    if (this.has('invalid')) choices.push([1, () => this.invalid(s)]);
    for (const c of kfuncStatement(this, s)) choices.push(c);
    for (const c of iterStatement(this, s)) choices.push(c);
    this.rng.weighted(choices.map(([w, f]) => [w, f] as const))();
  }

  private movImm(s: GenState): void {
    const d = this.dst(s);
    if (this.rng.chance(0.15)) {
      this.emit(`r${d} = ${BigInt(this.rng.int(-0x7fffffff, 0x7fffffff)) * 4099n} ll`);
    } else if (this.rng.chance(0.25)) this.emit(`w${d} = ${this.imm()}`);
    else this.emit(`r${d} = ${this.imm()}`);
    s.regs[d] = { k: 'scalar' };
  }

  private movReg(s: GenState): void {
    const src = this.regsWhere(s, (v) => v.k !== 'none');
    if (!src.length) return this.movImm(s);
    const r = this.rng.pick([...src, 10]);
    const d = this.dst(s);
    const v = s.regs[r] ?? { k: 'none' };
    if (v.k === 'scalar' && this.rng.chance(0.3)) {
      this.emit(`w${d} = w${r}`);
      s.regs[d] = { k: 'scalar' };
      return;
    }
    this.emit(`r${d} = r${r}`);
    s.regs[d] = { ...v };
  }

  private alu(s: GenState): void {
    const d = this.scalarReg(s);
    if (d === null) return this.movImm(s);
    const is32 = this.rng.chance(0.3);
    const p = is32 ? 'w' : 'r';
    const op = this.rng.pick(ALU_OPS);
    if (this.rng.chance(0.1)) {
      this.emit(`${p}${d} = -${p}${d}`);
      return;
    }
    if (this.rng.chance(0.12)) {
      const src = this.scalarReg(s) ?? d;
      this.emit(this.rng.pick([
        `r${d} = (${this.rng.pick(['s8', 's16', 's32'])})r${src}`,
        `w${d} = (${this.rng.pick(['s8', 's16'])})w${src}`,
        `r${d} = ${this.rng.pick(['bswap16', 'bswap32', 'bswap64', 'be16', 'be32', 'be64', 'le16', 'le32', 'le64'])} r${d}`,
      ]));
      s.regs[d] = { k: 'scalar' };
      return;
    }
    const bits = is32 ? 32 : 64;
    if (op === '<<=' || op === '>>=' || op === 's>>=') {
      this.emit(`${p}${d} ${op} ${this.rng.int(0, bits - 1)}`);
      return;
    }
    const src = this.scalarReg(s);
    if (src !== null && this.rng.chance(0.4) && op !== '/=' && op !== '%=') this.emit(`${p}${d} ${op} ${p}${src}`);
    else if (src !== null && this.rng.chance(0.2)) this.emit(`${p}${d} ${op} ${p}${src}`);
    else this.emit(`${p}${d} ${op} ${op === '/=' || op === '%=' ? this.rng.int(1, 9) : this.imm()}`);
  }

  private slot(): number {
    return -8 * this.rng.int(1, 8);
  }

  private stackStore(s: GenState): void {
    const off = this.slot();
    const srcs = this.regsWhere(s, (v) => v.k !== 'none' && v.k !== 'fp');
    if (!srcs.length || this.rng.chance(0.3)) {
      const [ty, size] = this.rng.pick(SIZES.filter(([, sz]) => sz >= 4));
      this.emit(`*(${ty} *)(r10 ${sgn(off)}) = ${this.imm()}`);
      s.stack.set(off, size === 8 ? { k: 'scalar' } : (s.stack.get(off) ?? { k: 'scalar' }));
      return;
    }
    const r = this.rng.pick(srcs);
    const v = s.regs[r] ?? { k: 'none' };
    if (v.k === 'scalar' && this.rng.chance(0.3)) {
      const [ty, size] = this.rng.pick(SIZES);
      this.emit(`*(${ty} *)(r10 ${sgn(off + (8 - size) * this.rng.int(0, 1))}) = r${r}`);
      s.stack.set(off, { k: 'scalar' });
      return;
    }
    this.emit(`*(u64 *)(r10 ${sgn(off)}) = r${r}`);
    s.stack.set(off, { ...v });
  }

  private stackLoad(s: GenState): void {
    const inits = [...s.stack.keys()];
    if (!inits.length) return this.stackStore(s);
    const off = this.rng.pick(inits);
    const d = this.dst(s);
    const v = s.stack.get(off) ?? { k: 'none' };
    if (v.k === 'scalar' && this.rng.chance(0.3)) {
      const ty = this.rng.pick(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32']);
      this.emit(`r${d} = *(${ty} *)(r10 ${sgn(off)})`);
      s.regs[d] = { k: 'scalar' };
      return;
    }
    this.emit(`r${d} = *(u64 *)(r10 ${sgn(off)})`);
    s.regs[d] = { ...v };
  }

  private fpArith(s: GenState): void {
    const d = this.dst(s);
    const off = this.slot();
    this.emit(`r${d} = r10`);
    this.emit(`r${d} += ${off}`);
    s.regs[d] = { k: 'fp', off };
    if (this.rng.chance(0.6)) {
      this.emit(`*(u64 *)(r${d} + 0) = ${this.imm()}`);
      s.stack.set(off, { k: 'scalar' });
    }
  }

  private mapLookup(s: GenState): void {
    const map = this.rng.pick(['arr', 'hmap']);
    const key = this.rng.pick([0, 1, 3, 4, this.rng.int(-2, 10)]);
    const off = this.rng.pick([-4, -8, -16]);
    this.emit(`*(u32 *)(r10 ${sgn(off)}) = ${key}`);
    const slot = Math.floor(off / 8) * 8;
    if (!s.stack.has(slot)) s.stack.set(slot, { k: 'scalar' });
    this.emit('r2 = r10');
    this.emit(`r2 += ${off}`);
    this.emit(`r1 = ${map} ll`);
    this.emit('call bpf_map_lookup_elem');
    this.clobber(s);
    s.regs[0] = { k: 'map_or_null', id: this.freshId() };
    if (this.rng.chance(0.5)) {
      const d = this.rng.pick([6, 7, 8, 9].filter((r) => !s.reserved.has(r)).concat([0]));
      if (d !== 0) {
        this.emit(`r${d} = r0`);
        s.regs[d] = { ...s.regs[0] };
      }
    }
  }

  clobber(s: GenState): void {
    for (const r of CALLER_SAVED) s.regs[r] = { k: 'none' };
  }

  /** `if rX == 0 goto L` narrows rX and every copy with the same id inside the fall-through block. */
  private nullCheck(s: GenState): void {
    const rs = this.regsWhere(s, (v) => v.k === 'map_or_null');
    if (!rs.length) return this.mapLookup(s);
    const r = this.rng.pick(rs);
    const v = s.regs[r];
    const id = v?.k === 'map_or_null' ? v.id : -1;
    const l = this.label();
    const narrowed = cloneState(s);
    const mark = (x: Val): Val => (x.k === 'map_or_null' && x.id === id ? { k: 'map_value' } : x);
    narrowed.regs = narrowed.regs.map(mark);
    for (const [o, x] of narrowed.stack) narrowed.stack.set(o, mark(x));
    let inner = narrowed;
    if (this.rng.chance(0.8)) {
      this.emit(`if r${r} == 0 goto ${l}`);
      this.block(narrowed, this.rng.int(1, 4), () => this.valueAccess(narrowed));
    } else {
      this.emit(`if r${r} != 0 goto ${l}`);
      inner = cloneState(s);
      inner.regs = inner.regs.map((x) => (x.k === 'map_or_null' && x.id === id ? { k: 'scalar' } : x));
      this.block(inner, this.rng.int(0, 2));
    }
    this.emit(`${l}:`);
    join(s, inner);
  }

  /** `mayExit`: false inside loop bodies, where an exit would leave the back edge unreachable. */
  block(s: GenState, n: number, first?: () => void, mayExit = true): void {
    s.depth++;
    if (first) first();
    for (let i = 0; i < n; i++) this.statement(s);
    if (mayExit && this.rng.chance(0.15)) this.exit(s);
    s.depth--;
  }

  private valueAccess(s: GenState): void {
    const rs = this.regsWhere(s, (v) => v.k === 'map_value');
    if (!rs.length) return this.stackStore(s);
    const r = this.rng.pick(rs);
    const [ty, size] = this.rng.pick(SIZES);
    const bad = this.has('invalid') && this.rng.chance(0.1);
    const off = bad ? this.rng.pick([VALUE_SIZE, VALUE_SIZE - size + 1, -size]) : size * this.rng.int(0, VALUE_SIZE / size - 1);
    if (this.rng.chance(0.5)) {
      const d = this.dst(s);
      this.emit(`r${d} = *(${ty} *)(r${r} ${sgn(off)})`);
      s.regs[d] = { k: 'scalar' };
    } else {
      const src = this.scalarReg(s);
      this.emit(`*(${ty} *)(r${r} ${sgn(off)}) = ${src !== null && this.rng.chance(0.6) ? `r${src}` : this.imm()}`);
    }
  }

  private cond(s: GenState): string {
    const r = this.scalarReg(s);
    const op = this.rng.pick(JMP_OPS);
    if (r === null) return `if r10 != 0`;
    const w = this.rng.chance(0.25) ? 'w' : 'r';
    const r2 = this.scalarReg(s);
    if (r2 !== null && this.rng.chance(0.3)) return `if ${w}${r} ${op} ${w}${r2}`;
    return `if ${w}${r} ${op} ${this.imm()}`;
  }

  private branch(s: GenState): void {
    const l = this.label();
    this.emit(`${this.cond(s)} goto ${l}`);
    const inner = cloneState(s);
    this.block(inner, this.rng.int(1, 4));
    this.emit(`${l}:`);
    join(s, inner);
  }

  private loop(s: GenState): void {
    const counters = [6, 7, 8, 9].filter((r) => !s.reserved.has(r) && s.regs[r]?.k !== 'ctx');
    if (!counters.length) return this.branch(s);
    const c = this.rng.pick(counters);
    const l = this.label();
    this.emit(`r${c} = 0`);
    this.emit(`${l}:`);
    s.regs[c] = { k: 'scalar' };
    const inner = cloneState(s);
    inner.reserved.add(c);
    this.block(inner, this.rng.int(0, 3), undefined, false);
    this.emit(`r${c} += 1`);
    this.emit(`if r${c} < ${this.rng.int(1, 6)} goto ${l}`);
    join(s, inner);
  }

  /** `.bss` counters are plain map values; `.rodata` constants load as known scalars and fold branches. */
  private global(s: GenState): void {
    const d = this.dst(s);
    if (this.rng.chance(0.5)) {
      this.emit(`r${d} = limit ll`);
      this.emit(`r${d} = *(u64 *)(r${d} + 0)`);
      s.regs[d] = { k: 'scalar' };
      return;
    }
    this.emit(`r${d} = counter ll`);
    const src = this.scalarReg(s);
    if (src !== null && this.rng.chance(0.5)) this.emit(`lock *(u64 *)(r${d} + 0) += r${src}`);
    else this.emit(`*(u64 *)(r${d} + 0) = ${this.imm()}`);
    s.regs[d] = { k: 'none' };
  }

  private atomic(s: GenState): void {
    const src = this.scalarReg(s);
    const slots = [...s.stack].filter(([, v]) => v.k === 'scalar').map(([o]) => o);
    const vals = this.regsWhere(s, (v) => v.k === 'map_value');
    const target = vals.length && this.rng.chance(0.5) ? `r${this.rng.pick(vals)} + ${8 * this.rng.int(0, 1)}` : slots.length ? `r10 ${sgn(this.rng.pick(slots))}` : null;
    if (src === null || target === null) return this.stackStore(s);
    const kind = this.rng.int(0, 3);
    if (kind === 0) this.emit(`lock *(u64 *)(${target}) ${this.rng.pick(['+=', '&=', '|=', '^='])} r${src}`);
    else if (kind === 1) this.emit(`r${src} = atomic_fetch_${this.rng.pick(['add', 'and', 'or', 'xor'])}((u64 *)(${target}), r${src})`);
    else if (kind === 2) this.emit(`r${src} = xchg_64(${target}, r${src})`);
    else {
      this.emit(`r0 = ${this.imm()}`);
      this.emit(`r0 = cmpxchg_64(${target}, r0, r${src})`);
      s.regs[0] = { k: 'scalar' };
    }
  }

  private helperCall(s: GenState): void {
    this.emit(`call ${this.rng.pick(HELPERS)}`);
    this.clobber(s);
    s.regs[0] = { k: 'scalar' };
  }

  private subCall(s: GenState): void {
    const a = this.scalarReg(s);
    this.emit(a !== null && a !== 1 ? `r1 = r${a}` : `r1 = ${this.imm()}`);
    this.emit('call sub');
    this.usesSub = true;
    this.clobber(s);
    s.regs[0] = { k: 'scalar' };
  }

  private ctxLoad(s: GenState): void {
    const rs = this.regsWhere(s, (v) => v.k === 'ctx');
    if (!rs.length) return this.movImm(s);
    const r = this.rng.pick(rs);
    const d = this.dst(s);
    const off = this.has('invalid') && this.rng.chance(0.1) ? this.rng.pick([2, 76, 80, 200, -4]) : this.rng.pick(SKB_READ_OFFS);
    this.emit(`r${d} = *(u32 *)(r${r} ${sgn(off)})`);
    s.regs[d] = { k: 'scalar' };
  }

  private invalid(s: GenState): void {
    const kinds: (() => void)[] = [
      () => {
        const rs = this.regsWhere(s, (v) => v.k === 'none').filter((r) => r !== 0 || this.rng.chance(0.3));
        if (!rs.length) return;
        const d = this.dst(s);
        this.emit(`r${d} = r${this.rng.pick(rs)}`);
      },
      () => {
        const rs = this.regsWhere(s, (v) => v.k === 'map_or_null');
        if (!rs.length) return;
        this.emit(`r0 = *(u64 *)(r${this.rng.pick(rs)} + 0)`);
        s.regs[0] = { k: 'scalar' };
      },
      () => this.emit(`*(u64 *)(r10 ${sgn(this.rng.pick([-520, -513, 0, 8, -3]))}) = 0`),
      () => this.emit(`r10 = ${this.imm()}`),
      () => {
        const rs = this.regsWhere(s, (v) => v.k === 'map_value' || v.k === 'ctx' || v.k === 'fp' || v.k === 'map_or_null');
        if (!rs.length) return;
        this.emit(`r${this.rng.pick(rs)} ${this.rng.pick(['*=', '|=', '<<=', '/='])} 2`);
      },
      () => {
        const rs = this.regsWhere(s, (v) => v.k === 'ctx');
        if (!rs.length) return;
        this.emit(`*(u32 *)(r${this.rng.pick(rs)} + ${this.rng.pick([0, 8, 48])}) = 1`);
      },
      () => {
        const d = this.dst(s);
        this.emit(`r${d} = *(u64 *)(r10 ${sgn(this.slot())})`);
        s.regs[d] = { k: 'scalar' };
      },
    ];
    this.rng.pick(kinds)();
  }
}

export function generateProgram(seed: number, index: number, opts: GenOptions): GeneratedProgram {
  return new Generator(new Rng(seed, index), opts).generate();
}

/** The program as a bpfspec assembly file; `header` holds the SEC line and annotations. */
export function render(p: GeneratedProgram, name: string, header: string): string {
  const body = [...p.lines, ...(p.sub.length ? ['sub:', ...p.sub] : [])];
  // only the maps and globals the body uses: every declared map costs the kernel a map creation
  const used = (decl: string): boolean => {
    const name = /(\w+)(?: SEC\([^)]*\))?(?: = [^;]*)?;$/.exec(decl)?.[1];
    return decl.startsWith('struct val') || (name !== undefined && body.some((l) => new RegExp(`\\b${name}\\b`).test(l)));
  };
  return [...PREAMBLE.filter(used), '', header, `${name}:`, ...body.map((l) => (l.endsWith(':') ? l : `\t${l}`))].join('\n') + '\n';
}
