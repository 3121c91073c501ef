// C integer constant expressions as selftests write them inside __imm_const(), __imm_insn(),
// __retval() and #define: literals, #define'd names, enumerators, sizeof, offsetof, casts and
// the kernel filter.h instruction macros (BPF_RAW_INSN, BPF_MOV64_IMM, ...). Anything else is an
// error naming what could not be evaluated.
import { SourceError, type SourceLoc } from '../asm/errors.ts';
import type { CType } from '../btf/types.ts';
import { typeKey } from '../btf/types.ts';
import { sizeOf, type TypeLookup } from '../btf/layout.ts';
import * as op from '../isa/opcodes.ts';
import * as cls from '../isa/insn.ts';
import { BPF_PROG_FLAG } from '../ir/sections.ts';
import { kernelHelperId } from '../catalog/kernel-types.ts';
import { matchClose, splitArgs, type CDefine, type CTok } from './c-scan.ts';

export interface ExprEnv {
  defines: Map<string, CDefine>;
  /** Types of the file and of the kernel; typedefs of the file. */
  types: TypeLookup;
  typedefs: Map<string, CType>;
  /** Enumerators of the file's and the kernel's enums. */
  enums: Map<string, bigint>;
  loc: (offset: number) => SourceLoc;
}

const INT_NAMES: Record<string, { size: number; signed: boolean }> = {
  char: { size: 1, signed: true }, short: { size: 2, signed: true }, int: { size: 4, signed: true }, long: { size: 8, signed: true },
  __u8: { size: 1, signed: false }, __u16: { size: 2, signed: false }, __u32: { size: 4, signed: false }, __u64: { size: 8, signed: false },
  __s8: { size: 1, signed: true }, __s16: { size: 2, signed: true }, __s32: { size: 4, signed: true }, __s64: { size: 8, signed: true },
  u8: { size: 1, signed: false }, u16: { size: 2, signed: false }, u32: { size: 4, signed: false }, u64: { size: 8, signed: false },
  s8: { size: 1, signed: true }, s16: { size: 2, signed: true }, s32: { size: 4, signed: true }, s64: { size: 8, signed: true },
  __be16: { size: 2, signed: false }, __be32: { size: 4, signed: false }, __be64: { size: 8, signed: false },
  size_t: { size: 8, signed: false }, bool: { size: 1, signed: false }, _Bool: { size: 1, signed: false },
};

/** Names the selftest headers (bpf_misc.h, linux/bpf.h, limits.h) define. */
function builtinConst(name: string): bigint | undefined {
  const fixed: Record<string, bigint> = {
    POINTER_VALUE: 0xbadcafen, TEST_DATA_LEN: 64n, _INT_MIN: -(2n ** 31n), INT_MIN: -(2n ** 31n), INT_MAX: 2n ** 31n - 1n,
    UINT_MAX: 2n ** 32n - 1n, LLONG_MAX: 2n ** 63n - 1n, LLONG_MIN: -(2n ** 63n), ULLONG_MAX: 2n ** 64n - 1n,
    SHRT_MAX: 32767n, SHRT_MIN: -32768n, USHRT_MAX: 65535n, S32_MIN: -(2n ** 31n), S32_MAX: 2n ** 31n - 1n, U32_MAX: 2n ** 32n - 1n,
    S64_MAX: 2n ** 63n - 1n, S64_MIN: -(2n ** 63n), U64_MAX: 2n ** 64n - 1n, S16_MIN: -32768n, S16_MAX: 32767n, U16_MAX: 65535n,
    BPF_ANY: 0n, BPF_NOEXIST: 1n, BPF_EXIST: 2n, BPF_F_LOCK: 4n, BPF_F_NO_PREALLOC: 1n, BPF_F_RDONLY_PROG: 0x80n, BPF_F_WRONLY_PROG: 0x100n,
    BPF_F_MMAPABLE: 0x400n, BPF_F_INDEX_MASK: 0xffffffffn, BPF_F_CURRENT_CPU: 0xffffffffn, MAX_BPF_REG: 11n, BPF_REG_FP: 10n,
    BPF_MAX_LOOPS: 8n * 1024n * 1024n, MAX_BPF_STACK: 512n, true: 1n, false: 0n, NULL: 0n,
  };
  if (fixed[name] !== undefined) return fixed[name];
  const m = /^BPF_REG_(\d+)$/.exec(name);
  if (m && Number(m[1]) <= 10) return BigInt(m[1]);
  if (name in BPF_PROG_FLAG) return BigInt(BPF_PROG_FLAG[name as keyof typeof BPF_PROG_FLAG]);
  const opv = (op as Record<string, unknown>)[name] ?? (cls as Record<string, unknown>)[name];
  if (/^BPF_[A-Z0-9_]+$/.test(name) && typeof opv === 'number') return BigInt(opv);
  if (name.startsWith('BPF_FUNC_')) {
    const id = kernelHelperId(`bpf_${name.slice(9)}`);
    if (id !== undefined) return BigInt(id);
  }
  return undefined;
}

/** u64 encoding of one struct bpf_insn (code in the lowest byte), as `.8byte` takes it. */
export function insnBits(code: bigint, dst: bigint, src: bigint, off: bigint, imm: bigint): bigint {
  return (BigInt.asUintN(8, code) | (BigInt.asUintN(4, dst) << 8n) | (BigInt.asUintN(4, src) << 12n) |
    (BigInt.asUintN(16, off) << 16n) | (BigInt.asUintN(32, imm) << 32n));
}

type InsnMacro = (a: bigint[]) => bigint;
const B = (n: number): bigint => BigInt(n);
const INSN_MACROS: Record<string, { arity: number; f: InsnMacro }> = {
  BPF_RAW_INSN: { arity: 5, f: ([c, d, s, o, i]) => insnBits(c, d, s, o, i) },
  BPF_MOV64_IMM: { arity: 2, f: ([d, i]) => insnBits(B(cls.BPF_ALU64 | op.BPF_MOV | op.BPF_K), d, 0n, 0n, i) },
  BPF_MOV32_IMM: { arity: 2, f: ([d, i]) => insnBits(B(cls.BPF_ALU | op.BPF_MOV | op.BPF_K), d, 0n, 0n, i) },
  BPF_MOV64_REG: { arity: 2, f: ([d, s]) => insnBits(B(cls.BPF_ALU64 | op.BPF_MOV | op.BPF_X), d, s, 0n, 0n) },
  BPF_MOV32_REG: { arity: 2, f: ([d, s]) => insnBits(B(cls.BPF_ALU | op.BPF_MOV | op.BPF_X), d, s, 0n, 0n) },
  BPF_MOVSX64_REG: { arity: 3, f: ([d, s, o]) => insnBits(B(cls.BPF_ALU64 | op.BPF_MOV | op.BPF_X), d, s, o, 0n) },
  BPF_MOVSX32_REG: { arity: 3, f: ([d, s, o]) => insnBits(B(cls.BPF_ALU | op.BPF_MOV | op.BPF_X), d, s, o, 0n) },
  BPF_ZEXT_REG: { arity: 1, f: ([d]) => insnBits(B(cls.BPF_ALU | op.BPF_MOV | op.BPF_X), d, d, 0n, 1n) },
  BPF_ALU64_IMM_OFF: { arity: 4, f: ([o, d, i, off]) => insnBits(B(cls.BPF_ALU64 | op.BPF_K) | o, d, 0n, off, i) },
  BPF_ALU64_REG_OFF: { arity: 4, f: ([o, d, s, off]) => insnBits(B(cls.BPF_ALU64 | op.BPF_X) | o, d, s, off, 0n) },
  BPF_ALU32_IMM_OFF: { arity: 4, f: ([o, d, i, off]) => insnBits(B(cls.BPF_ALU | op.BPF_K) | o, d, 0n, off, i) },
  BPF_ALU32_REG_OFF: { arity: 4, f: ([o, d, s, off]) => insnBits(B(cls.BPF_ALU | op.BPF_X) | o, d, s, off, 0n) },
  BPF_ALU64_IMM: { arity: 3, f: ([o, d, i]) => insnBits(B(cls.BPF_ALU64 | op.BPF_K) | o, d, 0n, 0n, i) },
  BPF_ALU32_IMM: { arity: 3, f: ([o, d, i]) => insnBits(B(cls.BPF_ALU | op.BPF_K) | o, d, 0n, 0n, i) },
  BPF_ALU64_REG: { arity: 3, f: ([o, d, s]) => insnBits(B(cls.BPF_ALU64 | op.BPF_X) | o, d, s, 0n, 0n) },
  BPF_ALU32_REG: { arity: 3, f: ([o, d, s]) => insnBits(B(cls.BPF_ALU | op.BPF_X) | o, d, s, 0n, 0n) },
  BPF_LDX_MEM: { arity: 4, f: ([z, d, s, o]) => insnBits(B(cls.BPF_LDX | op.BPF_MEM) | z, d, s, o, 0n) },
  BPF_LDX_MEMSX: { arity: 4, f: ([z, d, s, o]) => insnBits(B(cls.BPF_LDX | op.BPF_MEMSX) | z, d, s, o, 0n) },
  BPF_STX_MEM: { arity: 4, f: ([z, d, s, o]) => insnBits(B(cls.BPF_STX | op.BPF_MEM) | z, d, s, o, 0n) },
  BPF_ST_MEM: { arity: 4, f: ([z, d, o, i]) => insnBits(B(cls.BPF_ST | op.BPF_MEM) | z, d, 0n, o, i) },
  BPF_ATOMIC_OP: { arity: 5, f: ([z, o, d, s, off]) => insnBits(B(cls.BPF_STX | op.BPF_ATOMIC) | z, d, s, off, o) },
  BPF_JMP_IMM: { arity: 4, f: ([o, d, i, off]) => insnBits(B(cls.BPF_JMP | op.BPF_K) | o, d, 0n, off, i) },
  BPF_JMP32_IMM: { arity: 4, f: ([o, d, i, off]) => insnBits(B(cls.BPF_JMP32 | op.BPF_K) | o, d, 0n, off, i) },
  BPF_JMP_REG: { arity: 4, f: ([o, d, s, off]) => insnBits(B(cls.BPF_JMP | op.BPF_X) | o, d, s, off, 0n) },
  BPF_JMP32_REG: { arity: 4, f: ([o, d, s, off]) => insnBits(B(cls.BPF_JMP32 | op.BPF_X) | o, d, s, off, 0n) },
  BPF_JMP_A: { arity: 1, f: ([off]) => insnBits(B(cls.BPF_JMP | op.BPF_JA), 0n, 0n, off, 0n) },
  BPF_JMP32_A: { arity: 1, f: ([i]) => insnBits(B(cls.BPF_JMP32 | op.BPF_JA), 0n, 0n, 0n, i) },
  BPF_EXIT_INSN: { arity: 0, f: () => insnBits(B(cls.BPF_JMP | op.BPF_EXIT), 0n, 0n, 0n, 0n) },
  BPF_EMIT_CALL: { arity: 1, f: ([i]) => insnBits(B(cls.BPF_JMP | op.BPF_CALL), 0n, 0n, 0n, i) },
  BPF_CALL_REL: { arity: 1, f: ([i]) => insnBits(B(cls.BPF_JMP | op.BPF_CALL), 0n, B(op.BPF_PSEUDO_CALL), 0n, i) },
  BPF_ENDIAN: { arity: 3, f: ([t, d, l]) => insnBits(B(cls.BPF_ALU | op.BPF_END) | t, d, 0n, 0n, l) },
  BPF_LD_ABS: { arity: 2, f: ([z, i]) => insnBits(B(cls.BPF_LD | op.BPF_ABS) | z, 0n, 0n, 0n, i) },
  BPF_LD_IND: { arity: 3, f: ([z, s, i]) => insnBits(B(cls.BPF_LD | op.BPF_IND) | z, 0n, s, 0n, i) },
};
const TWO_SLOT = new Set(['BPF_LD_IMM64', 'BPF_LD_IMM64_RAW', 'BPF_LD_MAP_FD', 'BPF_LD_MAP_VALUE', 'BPF_LD_PSEUDO_FUNC']);

/** Evaluate the tokens as one integer constant expression. */
export function evalExpr(toks: CTok[], env: ExprEnv, at: number): bigint {
  const p = new ExprParser(expand(toks, env, 0), env, at);
  const v = p.ternary();
  p.end();
  return v;
}

/** Expand object-like and user function-like macros (#param stringizes; ## is not modelled). */
export function expand(toks: CTok[], env: Pick<ExprEnv, 'defines' | 'loc'>, depth: number, only?: (d: CDefine) => boolean): CTok[] {
  if (depth > 32) throw new SourceError(env.loc(toks[0]?.start ?? 0), 'macro expansion nests too deeply');
  const out: CTok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const d = t.kind === 'ident' ? env.defines.get(t.text) : undefined;
    if (!d || (only && !only(d))) {
      out.push(t);
      continue;
    }
    if (d.params === null) {
      out.push(...expand(d.body.map((b) => ({ ...b, start: t.start, end: t.end })), env, depth + 1, only));
      continue;
    }
    if (toks[i + 1]?.text !== '(') {
      out.push(t);
      continue;
    }
    const close = matchClose(toks, i + 1, env.loc);
    const args = splitArgs(toks, i + 2, close, env.loc);
    const body: CTok[] = [];
    for (let k = 0; k < d.body.length; k++) {
      const b = d.body[k];
      const next = d.body[k + 1];
      if (b.text === '#' && b.kind === 'punct' && next?.kind === 'ident' && d.params.includes(next.text)) {
        const arg = args[d.params.indexOf(next.text)] ?? [];
        const value = arg.map((a) => a.text).join(' ');
        body.push({ kind: 'str', text: JSON.stringify(value), start: t.start, end: t.end, value, offs: Array.from(value, () => arg[0]?.start ?? t.start) });
        k++;
        continue;
      }
      const pi = b.kind === 'ident' ? d.params.indexOf(b.text) : -1;
      if (pi >= 0) body.push(...(args[pi] ?? []));
      else if (b.kind === 'ident' && b.text === '__VA_ARGS__' && d.params.includes('...')) {
        const from = d.params.indexOf('...');
        args.slice(from).forEach((a, n) => {
          if (n > 0) body.push({ kind: 'punct', text: ',', start: t.start, end: t.end });
          body.push(...a);
        });
      } else body.push({ ...b, start: t.start, end: t.end });
    }
    out.push(...expand(body, env, depth + 1, only));
    i = close;
  }
  return out;
}

class ExprParser {
  private readonly toks: CTok[];
  private readonly env: ExprEnv;
  private readonly at: number;
  private pos = 0;
  constructor(toks: CTok[], env: ExprEnv, at: number) {
    this.toks = toks;
    this.env = env;
    this.at = at;
  }
  private err(msg: string, t?: CTok): SourceError {
    return new SourceError(this.env.loc(t?.start ?? this.at), msg);
  }
  private peek(): CTok | undefined {
    return this.toks[this.pos];
  }
  private is(text: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind !== 'str' && t.text === text;
  }
  private eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }
  private expect(text: string): void {
    if (!this.eat(text)) throw this.err(`expected '${text}' in a constant expression but found ${this.peek() ? `'${this.peek()?.text}'` : 'its end'}`, this.peek());
  }
  end(): void {
    const t = this.peek();
    if (t) throw this.err(`unexpected '${t.text}' in a constant expression`, t);
  }

  ternary(): bigint {
    const c = this.binary(0);
    if (!this.eat('?')) return c;
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return c !== 0n ? a : b;
  }

  private static readonly PREC: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };

  private binary(min: number): bigint {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      const p = t && t.kind === 'punct' ? ExprParser.PREC[t.text] : undefined;
      if (!t || p === undefined || p <= min) return l;
      this.pos++;
      const r = this.binary(p);
      l = this.apply(t, l, r);
    }
  }

  private apply(t: CTok, l: bigint, r: bigint): bigint {
    switch (t.text) {
      case '||': return l !== 0n || r !== 0n ? 1n : 0n;
      case '&&': return l !== 0n && r !== 0n ? 1n : 0n;
      case '|': return l | r;
      case '^': return l ^ r;
      case '&': return l & r;
      case '==': return l === r ? 1n : 0n;
      case '!=': return l !== r ? 1n : 0n;
      case '<': return l < r ? 1n : 0n;
      case '>': return l > r ? 1n : 0n;
      case '<=': return l <= r ? 1n : 0n;
      case '>=': return l >= r ? 1n : 0n;
      case '<<': return l << r;
      case '>>': return l >> r;
      case '+': return l + r;
      case '-': return l - r;
      case '*': return l * r;
      default:
        if (r === 0n) throw this.err('division by zero in a constant expression', t);
        return t.text === '/' ? l / r : l % r;
    }
  }

  private unary(): bigint {
    const t = this.peek();
    if (!t) throw this.err('a constant expression is missing');
    if (t.kind === 'punct') {
      if (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!') {
        this.pos++;
        const v = this.unary();
        return t.text === '-' ? -v : t.text === '+' ? v : t.text === '~' ? ~v : v === 0n ? 1n : 0n;
      }
      if (t.text === '(') {
        const cast = this.tryCast();
        if (cast) {
          const v = this.unary();
          return cast.signed ? BigInt.asIntN(cast.size * 8, v) : BigInt.asUintN(cast.size * 8, v);
        }
        this.pos++;
        const v = this.ternary();
        this.expect(')');
        return v;
      }
    }
    this.pos++;
    if (t.kind === 'num' && t.num !== undefined) return t.num;
    if (t.kind !== 'ident') throw this.err(`unexpected '${t.text}' in a constant expression`, t);
    if (t.text === 'sizeof') return this.sizeofExpr(t);
    if (t.text === 'offsetof' || t.text === '__builtin_offsetof' || t.text === 'offsetofend') return this.offsetofExpr(t);
    const macro = INSN_MACROS[t.text];
    if (macro && this.is('(')) {
      const args = this.callArgs();
      if (args.length !== macro.arity) throw this.err(`${t.text} takes ${macro.arity} arguments, found ${args.length}`, t);
      return macro.f(args);
    }
    if (TWO_SLOT.has(t.text)) throw this.err(`${t.text} makes two instruction slots; __imm_insn() takes a single instruction`, t);
    const b = builtinConst(t.text);
    if (b !== undefined) return b;
    const e = this.env.enums.get(t.text);
    if (e !== undefined) return e;
    throw this.err(`cannot evaluate '${t.text}' in a constant expression: not a #define, an enumerator or a known constant`, t);
  }

  private callArgs(): bigint[] {
    const open = this.pos;
    const close = matchClose(this.toks, open, this.env.loc);
    const parts = splitArgs(this.toks, open + 1, close, this.env.loc);
    this.pos = close + 1;
    return parts.map((p) => {
      const sub = new ExprParser(p, this.env, p[0]?.start ?? this.at);
      const v = sub.ternary();
      sub.end();
      return v;
    });
  }

  /** `(type)` at the cursor: returns the integer type and moves past it; otherwise null. */
  private tryCast(): { size: number; signed: boolean } | null {
    const save = this.pos;
    this.pos++;
    const ty = this.typeName(false);
    if (ty && this.eat(')') && this.peek() && !this.is(')')) {
      if (ty.kind === 'ptr') return { size: 8, signed: false };
      if (ty.kind === 'int') return { size: ty.size, signed: ty.signed };
    }
    this.pos = save;
    return null;
  }

  /** A type name (int words, typedefs, struct/union/enum tags, trailing '*'s), or null. */
  private typeName(required: boolean): CType | null {
    const t = this.peek();
    if (!t || t.kind !== 'ident') {
      if (required) throw this.err('expected a type name', t);
      return null;
    }
    let ty: CType | null = null;
    while (this.is('const') || this.is('volatile')) this.pos++;
    const w = this.peek();
    if (w && (w.text === 'struct' || w.text === 'union' || w.text === 'enum')) {
      this.pos++;
      const n = this.peek();
      if (!n || n.kind !== 'ident') throw this.err(`expected a ${w.text} name`, n);
      this.pos++;
      ty = { kind: 'ref', tag: w.text, name: n.text };
    } else if (w && (w.text === 'unsigned' || w.text === 'signed' || INT_NAMES[w.text])) {
      let signed = true;
      let size = 4;
      let any = false;
      while (this.peek() && (this.is('unsigned') || this.is('signed') || this.is('long') || this.is('short') || this.is('char') || this.is('int'))) {
        const x = this.peek()?.text;
        this.pos++;
        any = true;
        if (x === 'unsigned') signed = false;
        else if (x === 'long') size = 8;
        else if (x === 'short') size = 2;
        else if (x === 'char') size = 1;
      }
      if (!any && w) {
        this.pos++;
        const d = INT_NAMES[w.text];
        signed = d.signed;
        size = d.size;
      }
      ty = { kind: 'int', name: 'int', size, signed };
    } else if (w && this.env.typedefs.has(w.text)) {
      this.pos++;
      ty = this.env.typedefs.get(w.text) ?? null;
    } else if (w && w.text === 'void') {
      this.pos++;
      ty = { kind: 'void' };
    }
    if (!ty) {
      if (required) throw this.err(`unknown type '${w?.text ?? ''}'`, w);
      return null;
    }
    while (this.eat('*')) ty = { kind: 'ptr', to: ty };
    return ty;
  }

  private sizeOfType(ty: CType, at: CTok): bigint {
    const s = sizeOf(ty, this.env.types);
    if (s === undefined) throw this.err(`sizeof: the size of this type is not known (declare the struct in the file)`, at);
    return BigInt(s);
  }

  private sizeofExpr(t: CTok): bigint {
    if (!this.is('(')) throw this.err('sizeof needs a parenthesised type', t);
    this.pos++;
    const ty = this.typeName(true);
    if (!ty) throw this.err('sizeof needs a type', t);
    this.expect(')');
    return this.sizeOfType(ty, t);
  }

  private offsetofExpr(t: CTok): bigint {
    this.expect('(');
    const ty = this.typeName(true);
    this.expect(',');
    if (!ty || ty.kind !== 'ref' || ty.tag === 'enum') throw this.err(`${t.text} needs a struct or union type`, t);
    let cur: CType = ty;
    let off = 0n;
    for (;;) {
      const f = this.peek();
      if (!f || f.kind !== 'ident') throw this.err(`expected a member name in ${t.text}`, f);
      this.pos++;
      if (cur.kind !== 'ref') throw this.err(`'${f.text}' is not inside a struct or union`, f);
      const d = this.env.types(typeKey(cur.tag, cur.name));
      if (!d || d.kind === 'enum') throw this.err(`${cur.tag} ${cur.name} is not declared in the file nor a known kernel type`, f);
      const m = d.members.find((x) => x.name === f.text);
      if (!m) throw this.err(`${cur.tag} ${cur.name} has no member '${f.text}'`, f);
      off += BigInt(m.offset);
      cur = m.type;
      while (this.eat('[')) {
        const idx = this.ternary();
        this.expect(']');
        if (cur.kind !== 'array') throw this.err(`'${f.text}' is not an array`, f);
        off += idx * this.sizeOfType(cur.elem, f);
        cur = cur.elem;
      }
      if (!this.eat('.')) break;
    }
    this.expect(')');
    return t.text === 'offsetofend' ? off + this.sizeOfType(cur, t) : off;
  }
}

const TARGET_ARCH: Record<string, string> = { x64: 'x86', arm64: 'arm64', riscv64: 'riscv', s390x: 's390', loong64: 'loongarch' };

/** What clang -target bpf and the selftests Makefile (-D__TARGET_ARCH_$(SRCARCH)) define. */
export const PREDEFINED: Record<string, string> = {
  __bpf__: '1', __BPF__: '1', __clang__: '1', __clang_major__: '19', __clang_minor__: '0', __BPF_CPU_VERSION__: '4',
  __BPF_FEATURE_ADDR_SPACE_CAST: '1', __BPF_FEATURE_MAY_GOTO: '1', __LITTLE_ENDIAN__: '1',
  __ORDER_LITTLE_ENDIAN__: '1234', __ORDER_BIG_ENDIAN__: '4321', __BYTE_ORDER__: '1234',
  [`__TARGET_ARCH_${TARGET_ARCH[process.arch] ?? process.arch}`]: '1',
};

/** A #if condition: after macro expansion, identifiers left over count as 0, as in cpp. */
export function evalCondition(toks: CTok[], defines: Map<string, CDefine>, at: number, loc: (o: number) => SourceLoc): boolean {
  const env: ExprEnv = { defines, types: () => undefined, typedefs: new Map(), enums: new Map(), loc };
  const zeroed = expand(toks, env, 0).map((t): CTok => (t.kind === 'ident' && builtinConst(t.text) === undefined && !['sizeof', 'offsetof'].includes(t.text) ? { kind: 'num', text: '0', start: t.start, end: t.end, num: 0n } : t));
  return evalExpr(zeroed, { ...env, defines: new Map() }, at) !== 0n;
}
