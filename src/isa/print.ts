// Instruction text exactly as the kernel's disassembler (kernel/bpf/disasm.c, print_bpf_insn)
// renders it inside the verifier log, e.g. `(b7) r1 = 0`, `(85) call bpf_map_lookup_elem#1`.
import type { Insn } from './insn.ts';
import { BPF_ALU, BPF_ALU64, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_ST, BPF_STX, insnClass } from './insn.ts';
import {
  BPF_ABS, BPF_ADDR_SPACE_CAST, BPF_ATOMIC, BPF_CALL, BPF_CMPXCHG, BPF_DIV, BPF_DW, BPF_END, BPF_EXIT, BPF_FETCH,
  BPF_IMM, BPF_IND, BPF_JA, BPF_JCOND, BPF_LOAD_ACQ, BPF_MEM, BPF_MEMSX, BPF_MOD, BPF_MOV, BPF_NEG,
  BPF_PSEUDO_CALL, BPF_PSEUDO_KFUNC_CALL, BPF_STORE_REL, BPF_TO_BE, BPF_X, BPF_XCHG, bpfMode, bpfOp, bpfSize, bpfSrc,
} from './opcodes.ts';

const ALU_STR: Record<number, string> = {
  0x00: '+=', 0x10: '-=', 0x20: '*=', 0x30: '/=', 0x40: '|=', 0x50: '&=', 0x60: '<<=', 0x70: '>>=',
  0x80: 'neg', 0x90: '%=', 0xa0: '^=', 0xb0: '=', 0xc0: 's>>=', 0xd0: 'endian',
};
const ALU_SIGN_STR: Record<number, string> = { 0x30: 's/=', 0x90: 's%=' };
const ATOMIC_ALU_STR: Record<number, string> = { 0x00: 'add', 0x50: 'and', 0x40: 'or', 0xa0: 'xor' };
const MOVSX_STR: Record<number, string> = { 8: '(s8)', 16: '(s16)', 32: '(s32)' };
const LDST_STR: Record<number, string> = { 0x00: 'u32', 0x08: 'u16', 0x10: 'u8', 0x18: 'u64' };
const LDSX_STR: Record<number, string> = { 0x00: 's32', 0x08: 's16', 0x10: 's8' };
const JMP_STR: Record<number, string> = {
  0x00: 'jmp', 0x10: '==', 0x20: '>', 0xa0: '<', 0x30: '>=', 0xb0: '<=', 0x40: '&', 0x50: '!=',
  0x60: 's>', 0xc0: 's<', 0x70: 's>=', 0xd0: 's<=', 0x80: 'call', 0x90: 'exit',
};
const CLASS_STR = ['ld', 'ldx', 'st', 'stx', 'alu', 'jmp', 'jmp32', 'alu64'];

export interface PrintContext {
  /** Name of a helper by id (func_id_str), or undefined if unknown. */
  helperName?: (id: number) => string | undefined;
  /** Name of a kfunc call target (the verifier's disasm_kfunc_name callback). */
  kfuncName?: (insn: Insn) => string | undefined;
  /** The value shown for an ld_imm64; default is the kernel's `0x%llx` of the full immediate. */
  ldImm64Text?: (insn: Insn, next: Insn | undefined) => string;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const signed = (n: number): string => (n >= 0 ? `+${n}` : `${n}`);

function callName(insn: Insn, ctx: PrintContext): string {
  if (insn.src === 0) {
    const h = ctx.helperName?.(insn.imm);
    if (h !== undefined) return h;
  }
  if (insn.src === BPF_PSEUDO_KFUNC_CALL) {
    const k = ctx.kfuncName?.(insn);
    if (k !== undefined) return k;
    return 'kernel-function';
  }
  if (insn.src === BPF_PSEUDO_CALL) return signed(insn.imm);
  return 'unknown';
}

/** One instruction without a trailing newline, as `(code) text`. `next` is the second slot of an ld_imm64. */
export function printInsn(insn: Insn, ctx: PrintContext = {}, next?: Insn): string {
  const c = `(${hex2(insn.code)})`;
  const cls = insnClass(insn.code);
  const op = bpfOp(insn.code);
  if (cls === BPF_ALU || cls === BPF_ALU64) {
    const r = cls === BPF_ALU ? 'w' : 'r';
    if (op === BPF_END) {
      if (cls === BPF_ALU64) return `${c} r${insn.dst} = bswap${insn.imm} r${insn.dst}`;
      return `${c} r${insn.dst} = ${bpfSrc(insn.code) === BPF_TO_BE ? 'be' : 'le'}${insn.imm} r${insn.dst}`;
    }
    if (op === BPF_NEG) return `${c} ${r}${insn.dst} = -${r}${insn.dst}`;
    if (insn.code === (BPF_ALU64 | BPF_MOV | BPF_X) && insn.off === BPF_ADDR_SPACE_CAST) {
      return `${c} r${insn.dst} = addr_space_cast(r${insn.src}, ${(insn.imm >>> 16) & 0xffff}, ${insn.imm & 0xffff})`;
    }
    const opStr = (op === BPF_DIV || op === BPF_MOD) && insn.off === 1 ? ALU_SIGN_STR[op] : ALU_STR[op];
    if (bpfSrc(insn.code) === BPF_X) {
      const sx = op === BPF_MOV ? (MOVSX_STR[insn.off] ?? '') : '';
      return `${c} ${r}${insn.dst} ${opStr} ${sx}${r}${insn.src}`;
    }
    return `${c} ${r}${insn.dst} ${opStr} ${insn.imm}`;
  }
  if (cls === BPF_STX) {
    const sz = LDST_STR[bpfSize(insn.code)];
    const mem = `(r${insn.dst} ${signed(insn.off)})`;
    if (bpfMode(insn.code) === BPF_MEM) return `${c} *(${sz} *)${mem} = r${insn.src}`;
    if (bpfMode(insn.code) === BPF_ATOMIC) {
      const w = bpfSize(insn.code) === BPF_DW ? '64' : '';
      const aop = insn.imm & ~BPF_FETCH & 0xf0;
      if ((insn.imm & ~0xf0) === 0 && ATOMIC_ALU_STR[insn.imm] !== undefined) {
        return `${c} lock *(${sz} *)${mem} ${ALU_STR[insn.imm]} r${insn.src}`;
      }
      if ((insn.imm & BPF_FETCH) !== 0 && (insn.imm & ~0xf1) === 0 && ATOMIC_ALU_STR[aop] !== undefined && insn.imm !== BPF_XCHG && insn.imm !== BPF_CMPXCHG) {
        return `${c} r${insn.src} = atomic${w}_fetch_${ATOMIC_ALU_STR[aop]}((${sz} *)${mem}, r${insn.src})`;
      }
      if (insn.imm === BPF_CMPXCHG) return `${c} r0 = atomic${w}_cmpxchg((${sz} *)${mem}, r0, r${insn.src})`;
      if (insn.imm === BPF_XCHG) return `${c} r${insn.src} = atomic${w}_xchg((${sz} *)${mem}, r${insn.src})`;
      if (insn.imm === BPF_LOAD_ACQ) return `${c} r${insn.dst} = load_acquire((${sz} *)(r${insn.src} ${signed(insn.off)}))`;
      if (insn.imm === BPF_STORE_REL) return `${c} store_release((${sz} *)${mem}, r${insn.src})`;
    }
    return `BUG_${hex2(insn.code)}`;
  }
  if (cls === BPF_ST) {
    if (bpfMode(insn.code) === BPF_MEM) {
      return `${c} *(${LDST_STR[bpfSize(insn.code)]} *)(r${insn.dst} ${signed(insn.off)}) = ${insn.imm}`;
    }
    if (bpfMode(insn.code) === 0xc0) return `${c} nospec`;
    return `BUG_st_${hex2(insn.code)}`;
  }
  if (cls === BPF_LDX) {
    const mode = bpfMode(insn.code);
    if (mode !== BPF_MEM && mode !== BPF_MEMSX) return `BUG_ldx_${hex2(insn.code)}`;
    const sz = mode === BPF_MEM ? LDST_STR[bpfSize(insn.code)] : LDSX_STR[bpfSize(insn.code)];
    return `${c} r${insn.dst} = *(${sz} *)(r${insn.src} ${signed(insn.off)})`;
  }
  if (cls === BPF_LD) {
    const mode = bpfMode(insn.code);
    const sz = LDST_STR[bpfSize(insn.code)];
    if (mode === BPF_ABS) return `${c} r0 = *(${sz} *)skb[${insn.imm}]`;
    if (mode === BPF_IND) return `${c} r0 = *(${sz} *)skb[r${insn.src} + ${insn.imm}]`;
    if (mode === BPF_IMM && bpfSize(insn.code) === BPF_DW) {
      const text = ctx.ldImm64Text
        ? ctx.ldImm64Text(insn, next)
        : `0x${((BigInt((next?.imm ?? 0) >>> 0) << 32n) | BigInt(insn.imm >>> 0)).toString(16)}`;
      return `${c} r${insn.dst} = ${text}`;
    }
    return `BUG_ld_${hex2(insn.code)}`;
  }
  if (cls === BPF_JMP || cls === BPF_JMP32) {
    if (op === BPF_CALL) {
      if (insn.src === BPF_PSEUDO_CALL) return `${c} call pc${callName(insn, ctx)}`;
      return `${c} call ${callName(insn, ctx)}#${insn.imm}`;
    }
    if (insn.code === (BPF_JMP | BPF_JA)) return `${c} goto pc${signed(insn.off)}`;
    if (insn.code === (BPF_JMP | BPF_JCOND) && insn.src === 0) return `${c} may_goto pc${signed(insn.off)}`;
    if (insn.code === (BPF_JMP32 | BPF_JA)) return `${c} gotol pc${signed(insn.imm)}`;
    if (insn.code === (BPF_JMP | BPF_EXIT)) return `${c} exit`;
    const r = cls === BPF_JMP32 ? 'w' : 'r';
    const js = JMP_STR[op] ?? '?';
    if (bpfSrc(insn.code) === BPF_X) return `${c} if ${r}${insn.dst} ${js} ${r}${insn.src} goto pc${signed(insn.off)}`;
    return `${c} if ${r}${insn.dst} ${js} 0x${(insn.imm >>> 0).toString(16)} goto pc${signed(insn.off)}`;
  }
  return `${c} ${CLASS_STR[cls]}`;
}
