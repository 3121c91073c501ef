// One line of BPF assembly in the LLVM pseudo-C syntax (llvm-objdump, kernel selftests) into
// instruction slots with symbolic references still to resolve.
import type { Insn } from '../isa/insn.ts';
import { BPF_ALU, BPF_ALU64, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_ST, BPF_STX } from '../isa/insn.ts';
import * as op from '../isa/opcodes.ts';
import type { SourceLoc } from './errors.ts';
import type { Cursor} from './cursor.ts';
import { describe } from './cursor.ts';
import type { Token } from './lexer.ts';

export interface PendingInsn {
  insn: Insn;
  loc: SourceLoc;
  /** ld_imm64 second slot. */
  hi?: Insn;
  /** Jump to a label: field 'off' (goto/if/may_goto) or 'imm' (gotol). */
  jump?: { label: string; loc: SourceLoc; field: 'off' | 'imm' };
  /** call NAME: helper, kfunc or subprogram, resolved later. */
  call?: { name: string; loc: SourceLoc };
  /** rX = SYMBOL ll: a map, a global variable or a subprogram (callback) address. */
  sym?: { name: string; loc: SourceLoc; addend: number };
  /** rX = bpf_core_type_id_local(struct foo) */
  typeId?: { type: string; loc: SourceLoc };
}

const ALU_OPS: Record<string, number> = {
  '+=': op.BPF_ADD, '-=': op.BPF_SUB, '*=': op.BPF_MUL, '/=': op.BPF_DIV, '%=': op.BPF_MOD, '|=': op.BPF_OR,
  '&=': op.BPF_AND, '^=': op.BPF_XOR, '<<=': op.BPF_LSH, '>>=': op.BPF_RSH, 's>>=': op.BPF_ARSH,
  's/=': op.BPF_DIV, 's%=': op.BPF_MOD,
};
const JMP_OPS: Record<string, number> = {
  '==': op.BPF_JEQ, '!=': op.BPF_JNE, '>': op.BPF_JGT, '>=': op.BPF_JGE, '<': op.BPF_JLT, '<=': op.BPF_JLE,
  's>': op.BPF_JSGT, 's>=': op.BPF_JSGE, 's<': op.BPF_JSLT, 's<=': op.BPF_JSLE, '&': op.BPF_JSET,
};
const SIZES: Record<string, number> = { u8: op.BPF_B, u16: op.BPF_H, u32: op.BPF_W, u64: op.BPF_DW };
const SX_SIZES: Record<string, number> = { s8: op.BPF_B, s16: op.BPF_H, s32: op.BPF_W };
const ATOMIC_FETCH: Record<string, number> = { add: op.BPF_ADD, and: op.BPF_AND, or: op.BPF_OR, xor: op.BPF_XOR };

interface Reg {
  n: number;
  wide: boolean; // r (64-bit) or w (32-bit)
  loc: SourceLoc;
}

const S32_MIN = -(2n ** 31n);
const U32_MAX = 2n ** 32n - 1n;

function regOf(t: Token): { n: number; wide: boolean } | null {
  if (t.kind !== 'ident') return null;
  const m = /^([rw])(\d+)$/.exec(t.text);
  if (!m) return null;
  return { n: Number(m[2]), wide: m[1] === 'r' };
}

export class InsnParser {
  private readonly c: Cursor;
  constructor(c: Cursor) {
    this.c = c;
  }

  private isReg(n = 0): boolean {
    return regOf(this.c.peek(n)) !== null;
  }

  private reg(what = 'a register'): Reg {
    const t = this.c.peek();
    const r = regOf(t);
    if (!r) throw this.c.error(t.loc, `expected ${what} (r0-r10 or w0-w10) but found ${describe(t)}`);
    if (r.n > 15) throw this.c.error(t.loc, `register number ${r.n} does not fit the 4-bit register field`);
    this.c.next();
    return { ...r, loc: t.loc };
  }

  /** An immediate that must fit the 32-bit imm field (values up to u32 max are taken as their bit pattern). */
  private imm32(what: string): number {
    const v = this.c.expectInt(what);
    if (v.value < S32_MIN || v.value > U32_MAX) throw this.c.error(v.loc, `immediate ${v.value} does not fit in 32 bits (use 'll' for a 64-bit constant)`);
    return Number(BigInt.asIntN(32, v.value));
  }

  private off16(v: { value: bigint; loc: SourceLoc }): number {
    if (v.value < -32768n || v.value > 32767n) throw this.c.error(v.loc, `offset ${v.value} does not fit in 16 bits`);
    return Number(v.value);
  }

  /** `(rN + off)` or `(rN - off)` or `(rN)`. */
  private memRef(): { base: Reg; off: number } {
    const c = this.c;
    c.expect('(');
    const base = this.reg('a base register');
    if (!base.wide) throw c.error(base.loc, 'a memory base register must be an r register');
    let off = 0;
    if (c.at('+') || c.at('-')) {
      const neg = c.next().text === '-';
      const v = c.expectInt('an offset');
      off = this.off16({ value: neg ? -v.value : v.value, loc: v.loc });
    }
    c.expect(')');
    return { base, off };
  }

  /** `*(u32 *)` prefix; returns size code and whether it is sign-extending. */
  private sizeCast(): { size: number; sx: boolean; loc: SourceLoc } {
    const c = this.c;
    c.expect('(');
    const t = c.expectIdent('an access size (u8, u16, u32, u64)');
    c.expect('*');
    c.expect(')');
    if (SIZES[t.text] !== undefined) return { size: SIZES[t.text], sx: false, loc: t.loc };
    if (SX_SIZES[t.text] !== undefined) return { size: SX_SIZES[t.text], sx: true, loc: t.loc };
    throw c.error(t.loc, `unknown access size '${t.text}' (u8, u16, u32, u64, s8, s16, s32)`);
  }

  private jumpTarget(p: PendingInsn, field: 'off' | 'imm'): void {
    const c = this.c;
    if (c.at('pc')) c.next();
    const t = c.peek();
    if (t.kind === 'ident') {
      c.next();
      p.jump = { label: t.text, loc: t.loc, field };
      return;
    }
    if (c.at('+') || c.at('-') || t.kind === 'num') {
      const v = c.expectInt('a jump offset');
      if (field === 'off') p.insn.off = this.off16(v);
      else p.insn.imm = Number(BigInt.asIntN(32, v.value));
      return;
    }
    throw c.error(t.loc, `expected a label or a +/- offset after goto but found ${describe(t)}`);
  }

  private mk(code: number, loc: SourceLoc, f: Partial<Insn> = {}): PendingInsn {
    return { insn: { code, dst: 0, src: 0, off: 0, imm: 0, ...f }, loc };
  }

  /** Parse one instruction; the cursor ends at the newline. */
  parse(): PendingInsn {
    const c = this.c;
    const t = c.peek();
    const loc = t.loc;
    if (t.kind === 'ident') {
      switch (t.text) {
        case 'exit':
          c.next();
          return this.mk(BPF_JMP | op.BPF_EXIT, loc);
        case 'goto': {
          c.next();
          const p = this.mk(BPF_JMP | op.BPF_JA, loc);
          this.jumpTarget(p, 'off');
          return p;
        }
        case 'gotol': {
          c.next();
          const p = this.mk(BPF_JMP32 | op.BPF_JA, loc);
          this.jumpTarget(p, 'imm');
          return p;
        }
        case 'may_goto': {
          c.next();
          const p = this.mk(BPF_JMP | op.BPF_JCOND, loc);
          this.jumpTarget(p, 'off');
          return p;
        }
        case 'call': {
          c.next();
          const n = c.peek();
          if (n.kind === 'num') {
            c.next();
            return this.mk(BPF_JMP | op.BPF_CALL, loc, { imm: Number(n.num) });
          }
          if (c.at('pc')) {
            c.next();
            const v = c.expectInt('a call offset');
            return this.mk(BPF_JMP | op.BPF_CALL, loc, { src: op.BPF_PSEUDO_CALL, imm: Number(v.value) });
          }
          const name = c.expectIdent('a function name after call');
          const p = this.mk(BPF_JMP | op.BPF_CALL, loc);
          p.call = { name: name.text, loc: name.loc };
          return p;
        }
        case 'if':
          return this.parseCond();
        case 'lock':
          return this.parseLock();
        case '.8byte': {
          // a raw instruction slot, as kernel selftests write with __imm_insn(): the u64 value
          // of struct bpf_insn in little-endian order (code in the lowest byte)
          c.next();
          const v = c.expectInt('a 64-bit instruction value');
          if (v.value < -(2n ** 63n) || v.value >= 2n ** 64n) throw c.error(v.loc, `.8byte value ${v.value} does not fit in 64 bits`);
          const u = BigInt.asUintN(64, v.value);
          return this.mk(Number(u & 0xffn), loc, {
            dst: Number((u >> 8n) & 0xfn),
            src: Number((u >> 12n) & 0xfn),
            off: Number(BigInt.asIntN(16, (u >> 16n) & 0xffffn)),
            imm: Number(BigInt.asIntN(32, u >> 32n)),
          });
        }
        case 'store_release': {
          c.next();
          c.expect('(');
          const { size } = this.sizeCast();
          const m = this.memRef();
          c.expect(',');
          const s = this.reg();
          c.expect(')');
          return this.mk(BPF_STX | op.BPF_ATOMIC | size, loc, { dst: m.base.n, src: s.n, off: m.off, imm: op.BPF_STORE_REL });
        }
      }
      if (this.isReg()) return this.parseRegStmt();
    }
    if (c.at('*')) return this.parseStore();
    throw c.error(loc, `unknown instruction starting with ${describe(t)}`);
  }

  private parseCond(): PendingInsn {
    const c = this.c;
    const loc = c.next().loc;
    const a = this.reg();
    const optok = c.next();
    const jop = JMP_OPS[optok.text];
    if (jop === undefined) throw c.error(optok.loc, `unknown comparison '${optok.text}'`);
    const cls = a.wide ? BPF_JMP : BPF_JMP32;
    let p: PendingInsn;
    if (this.isReg()) {
      const b = this.reg();
      if (b.wide !== a.wide) throw c.error(b.loc, 'both operands of a comparison must be r or both w registers');
      p = this.mk(cls | jop | op.BPF_X, loc, { dst: a.n, src: b.n });
    } else {
      p = this.mk(cls | jop | op.BPF_K, loc, { dst: a.n, imm: this.imm32('a register or an immediate') });
    }
    c.expect('goto');
    this.jumpTarget(p, 'off');
    return p;
  }

  private parseLock(): PendingInsn {
    const c = this.c;
    const loc = c.next().loc;
    c.expect('*');
    const { size } = this.sizeCast();
    const m = this.memRef();
    const optok = c.next();
    const map: Record<string, number> = { '+=': op.BPF_ADD, '&=': op.BPF_AND, '|=': op.BPF_OR, '^=': op.BPF_XOR };
    const aop = map[optok.text];
    if (aop === undefined) throw c.error(optok.loc, `atomic operation must be +=, &=, |= or ^=, found '${optok.text}'`);
    const s = this.reg();
    return this.mk(BPF_STX | op.BPF_ATOMIC | size, loc, { dst: m.base.n, src: s.n, off: m.off, imm: aop });
  }

  private parseStore(): PendingInsn {
    const c = this.c;
    const loc = c.next().loc; // '*'
    const { size, sx, loc: sloc } = this.sizeCast();
    if (sx) throw c.error(sloc, 'stores take an unsigned size (u8, u16, u32, u64)');
    const m = this.memRef();
    c.expect('=');
    if (this.isReg()) {
      const s = this.reg();
      return this.mk(BPF_STX | op.BPF_MEM | size, loc, { dst: m.base.n, src: s.n, off: m.off });
    }
    return this.mk(BPF_ST | op.BPF_MEM | size, loc, { dst: m.base.n, off: m.off, imm: this.imm32('a register or an immediate') });
  }

  private parseRegStmt(): PendingInsn {
    const c = this.c;
    const d = this.reg();
    const loc = d.loc;
    const cls = d.wide ? BPF_ALU64 : BPF_ALU;
    const optok = c.next();
    if (optok.text !== '=') {
      const aop = ALU_OPS[optok.text];
      if (aop === undefined) throw c.error(optok.loc, `unknown operator '${optok.text}'`);
      const signedOp = optok.text === 's/=' || optok.text === 's%=';
      if (this.isReg()) {
        const s = this.reg();
        if (s.wide !== d.wide) throw c.error(s.loc, `operands must both be r or both be w registers`);
        return this.mk(cls | aop | op.BPF_X, loc, { dst: d.n, src: s.n, off: signedOp ? 1 : 0 });
      }
      return this.mk(cls | aop | op.BPF_K, loc, { dst: d.n, imm: this.imm32('a register or an immediate'), off: signedOp ? 1 : 0 });
    }
    // dst = ...
    const t = c.peek();
    // rX = -rX
    if (c.at('-') && this.isReg(1)) {
      c.next();
      const s = this.reg();
      if (s.n !== d.n || s.wide !== d.wide) throw c.error(s.loc, 'negation must be of the destination register itself (rX = -rX)');
      return this.mk(cls | op.BPF_NEG, loc, { dst: d.n });
    }
    // rX = *(size *)(rY + off)
    if (c.at('*')) {
      c.next();
      const { size, sx } = this.sizeCast();
      const m = this.memRef();
      if (!d.wide && size === op.BPF_DW) throw c.error(loc, 'a 64-bit load needs an r destination register');
      return this.mk(BPF_LDX | (sx ? op.BPF_MEMSX : op.BPF_MEM) | size, loc, { dst: d.n, src: m.base.n, off: m.off });
    }
    // rX = (s8)rY movsx
    if (c.at('(') && c.peek(1).kind === 'ident' && /^s(8|16|32)$/.test(c.peek(1).text) && c.at(')', 2)) {
      c.next();
      const bits = Number(c.next().text.slice(1));
      c.next();
      const s = this.reg();
      if (s.wide !== d.wide) throw c.error(s.loc, 'operands must both be r or both be w registers');
      if (!d.wide && bits === 32) throw c.error(loc, 'w registers can only sign-extend from s8 or s16');
      return this.mk(cls | op.BPF_MOV | op.BPF_X, loc, { dst: d.n, src: s.n, off: bits });
    }
    if (t.kind === 'ident') {
      const sw = /^(be|le|bswap)(16|32|64)$/.exec(t.text);
      if (sw) {
        c.next();
        const s = this.reg();
        if (s.n !== d.n) throw c.error(s.loc, `byte swap works in place: ${d.wide ? 'r' : 'w'}${d.n} = ${t.text} ${d.wide ? 'r' : 'w'}${d.n}`);
        const bits = Number(sw[2]);
        if (sw[1] === 'bswap') return this.mk(BPF_ALU64 | op.BPF_END, loc, { dst: d.n, imm: bits });
        return this.mk(BPF_ALU | op.BPF_END | (sw[1] === 'be' ? op.BPF_TO_BE : op.BPF_TO_LE), loc, { dst: d.n, imm: bits });
      }
      if (t.text === 'addr_space_cast') {
        c.next();
        c.expect('(');
        const s = this.reg();
        c.expect(',');
        const a = c.expectInt('an address space');
        c.expect(',');
        const b = c.expectInt('an address space');
        c.expect(')');
        return this.mk(BPF_ALU64 | op.BPF_MOV | op.BPF_X, loc, { dst: d.n, src: s.n, off: op.BPF_ADDR_SPACE_CAST, imm: Number((a.value << 16n) | (b.value & 0xffffn)) });
      }
      if (t.text === 'bpf_core_type_id_local' || t.text === 'bpf_core_type_id_kernel') {
        c.next();
        c.expect('(');
        const tag = c.expectIdent("'struct'");
        if (tag.text !== 'struct' && tag.text !== 'union') throw c.error(tag.loc, `expected 'struct' or 'union' in ${t.text}()`);
        const n = c.expectIdent('a type name');
        c.expect(')');
        const p = this.mk(cls | op.BPF_MOV | op.BPF_K, loc, { dst: d.n });
        p.typeId = { type: `${tag.text} ${n.text}`, loc: n.loc };
        return p;
      }
      const fetch = /^atomic(64)?_fetch_(add|and|or|xor)$/.exec(t.text);
      if (fetch) {
        c.next();
        c.expect('(');
        const { size } = this.sizeCast();
        const m = this.memRef();
        c.expect(',');
        const s = this.reg();
        c.expect(')');
        if (s.n !== d.n) throw c.error(s.loc, 'atomic fetch returns the old value in its source register: rX = atomic_fetch_op((u64 *)(rY + off), rX)');
        return this.mk(BPF_STX | op.BPF_ATOMIC | size, loc, { dst: m.base.n, src: s.n, off: m.off, imm: ATOMIC_FETCH[fetch[2]] | op.BPF_FETCH });
      }
      if (/^(xchg_64|xchg32_32|atomic(64)?_xchg)$/.test(t.text)) {
        c.next();
        c.expect('(');
        const { size, base, off } = this.atomicMem(t.text.startsWith('xchg32') ? op.BPF_W : op.BPF_DW);
        c.expect(',');
        const s = this.reg();
        c.expect(')');
        if (s.n !== d.n) throw c.error(s.loc, 'xchg returns the old value in its source register');
        return this.mk(BPF_STX | op.BPF_ATOMIC | size, loc, { dst: base, src: s.n, off, imm: op.BPF_XCHG });
      }
      if (/^(cmpxchg_64|cmpxchg32_32|atomic(64)?_cmpxchg)$/.test(t.text)) {
        c.next();
        c.expect('(');
        const { size, base, off } = this.atomicMem(t.text.startsWith('cmpxchg32') ? op.BPF_W : op.BPF_DW);
        c.expect(',');
        const r0 = this.reg();
        c.expect(',');
        const s = this.reg();
        c.expect(')');
        if (d.n !== 0 || r0.n !== 0) throw c.error(loc, 'cmpxchg compares with and returns into r0: r0 = cmpxchg_64(rX + off, r0, rY)');
        return this.mk(BPF_STX | op.BPF_ATOMIC | size, loc, { dst: base, src: s.n, off, imm: op.BPF_CMPXCHG });
      }
      if (t.text === 'load_acquire') {
        c.next();
        c.expect('(');
        const { size } = this.sizeCast();
        const m = this.memRef();
        c.expect(')');
        return this.mk(BPF_STX | op.BPF_ATOMIC | size, loc, { dst: d.n, src: m.base.n, off: m.off, imm: op.BPF_LOAD_ACQ });
      }
      if (!this.isReg()) {
        // rX = SYMBOL ll  (map, global variable, subprogram address)
        c.next();
        let addend = 0;
        if (c.at('+') || c.at('-')) {
          const neg = c.next().text === '-';
          const v = c.expectInt('an offset');
          addend = Number(neg ? -v.value : v.value);
        }
        if (!c.eat('ll')) throw c.error(c.peek().loc, `expected 'll' after '${t.text}' (a symbol is loaded with a 64-bit immediate: r1 = ${t.text} ll)`);
        if (!d.wide) throw c.error(loc, 'a 64-bit immediate load needs an r register');
        const p = this.mk(BPF_LD | op.BPF_IMM | op.BPF_DW, loc, { dst: d.n });
        p.hi = { code: 0, dst: 0, src: 0, off: 0, imm: 0 };
        p.sym = { name: t.text, loc: t.loc, addend };
        return p;
      }
    }
    if (this.isReg()) {
      const s = this.reg();
      if (s.wide !== d.wide) throw c.error(s.loc, `operands must both be r or both be w registers`);
      return this.mk(cls | op.BPF_MOV | op.BPF_X, loc, { dst: d.n, src: s.n });
    }
    // immediate: 32-bit mov or 64-bit ld_imm64 with `ll`
    const v = c.expectInt('a register, an immediate, a memory load or a symbol');
    if (c.eat('ll')) {
      if (!d.wide) throw c.error(loc, 'a 64-bit immediate load needs an r register');
      if (v.value < -(2n ** 63n) || v.value >= 2n ** 64n) throw c.error(v.loc, `immediate ${v.value} does not fit in 64 bits`);
      const u = BigInt.asUintN(64, v.value);
      const p = this.mk(BPF_LD | op.BPF_IMM | op.BPF_DW, loc, { dst: d.n, imm: Number(BigInt.asIntN(32, u & 0xffffffffn)) });
      p.hi = { code: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, u >> 32n)) };
      return p;
    }
    if (v.value < S32_MIN || v.value > U32_MAX) throw c.error(v.loc, `immediate ${v.value} does not fit in 32 bits (add 'll' for a 64-bit constant)`);
    return this.mk(cls | op.BPF_MOV | op.BPF_K, loc, { dst: d.n, imm: Number(BigInt.asIntN(32, v.value)) });
  }

  /** llvm's `xchg_64(r1 + 0, ...)` form, or the kernel's `atomic64_xchg((u64 *)(r1 +0), ...)` form. */
  private atomicMem(defaultSize: number): { size: number; base: number; off: number } {
    const c = this.c;
    if (c.at('(')) {
      const { size } = this.sizeCast();
      const m = this.memRef();
      return { size, base: m.base.n, off: m.off };
    }
    const b = this.reg('a base register');
    let off = 0;
    if (c.at('+') || c.at('-')) {
      const neg = c.next().text === '-';
      const v = c.expectInt('an offset');
      off = this.off16({ value: neg ? -v.value : v.value, loc: v.loc });
    }
    return { size: defaultSize, base: b.n, off };
  }
}
