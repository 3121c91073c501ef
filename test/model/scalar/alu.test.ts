import { describe, expect, it } from 'vitest';
import {
  ALU_OPS,
  type AluOp,
  aluImm,
  aluUnboundedReason,
  concreteAlu,
  scalarAlu,
  scalarAluOutcome,
} from '../../../src/model/scalar/alu.ts';
import { formatScalar } from '../../../src/model/scalar/format.ts';
import {
  type ScalarBounds,
  U64_MAX,
  scalarContains,
  scalarFrom,
  scalarFromTnum,
  scalarKnown,
  scalarSRange,
  scalarURange,
  scalarUnknown,
  scalarWellFormed,
} from '../../../src/model/scalar/scalar.ts';
import { tnum } from '../../../src/model/scalar/tnum.ts';
import { Rng, abstractOf, randomSet } from './harness.ts';

const f = (s: ScalarBounds): string => formatScalar(s, { precise: false });
const U = scalarUnknown();
const K = aluImm;

type Row = readonly [string, AluOp, ScalarBounds, ScalarBounds, boolean, string];

function table(rows: readonly Row[]): void {
  it.each(rows)('%s', (_name, op, dst, src, is64, expected) => {
    expect(f(scalarAlu(op, dst, src, is64))).toBe(expected);
  });
}

describe('scalar(32)_min_max_add / tnum_add (adjust_scalar_min_max_vals BPF_ADD)', () => {
  table([
    ['[0,255] += 3', 'add', scalarURange(0n, 255n), K(3), true,
      'scalar(smin=umin=smin32=umin32=3,smax=umax=smax32=umax32=258,var_off=(0x0; 0x1ff))'],
    ['[-2,-1] += 2: every u64 sum wraps, still exact', 'add', scalarURange(U64_MAX - 1n, U64_MAX), K(2), true,
      'scalar(smin=smin32=0,smax=umax=smax32=umax32=1,var_off=(0x0; 0x1))'],
    ['[-2,-1] += [0,1]: only some sums wrap -> u64 unbounded', 'add', scalarURange(U64_MAX - 1n, U64_MAX), scalarURange(0n, 1n), true,
      'scalar(smin=smin32=-2,smax=smax32=0)'],
    // [0, S64_MAX] + 1: S64_MAX + 1 overflows s64 (so smin is S64_MIN, omitted); u64 is exact
    ['s64 overflow -> s64 unbounded', 'add', scalarSRange(0n, (1n << 63n) - 1n), K(1), true,
      'scalar(umin=1,umax=0x8000000000000000)'],
    ['w: [0,255] += 3 (32-bit, zero-extended)', 'add', scalarURange(0n, 255n), K(3), false,
      'scalar(smin=umin=smin32=umin32=3,smax=umax=smax32=umax32=258,var_off=(0x0; 0x1ff))'],
    ['w: u32 wrap only (upper word discarded)', 'add', scalarURange(0xffff_fff0n, 0xffff_ffffn), K(0x10), false,
      'scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))'],
  ]);
});

describe('scalar(32)_min_max_sub / tnum_sub (BPF_SUB)', () => {
  table([
    ['[10,20] -= 5', 'sub', scalarURange(10n, 20n), K(5), true,
      'scalar(smin=umin=smin32=umin32=5,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))'],
    ['[0,10] -= 5: mixed underflow -> u64 unbounded', 'sub', scalarURange(0n, 10n), K(5), true,
      'scalar(smin=smin32=-5,smax=smax32=5)'],
    ['[0,3] -= 10: every difference underflows, exact', 'sub', scalarURange(0n, 3n), K(10), true,
      'scalar(smin=smin32=-10,smax=smax32=-7,umin=0xfffffffffffffff6,umax=0xfffffffffffffff9,umin32=0xfffffff6,umax32=0xfffffff9,var_off=(0xfffffffffffffff0; 0xf))'],
  ]);
});

describe('scalar(32)_min_max_mul / tnum_mul (BPF_MUL)', () => {
  table([
    ['[2,3] *= [4,5]', 'mul', scalarURange(2n, 3n), scalarURange(4n, 5n), true,
      'scalar(smin=umin=smin32=umin32=8,smax=umax=smax32=umax32=15,var_off=(0x8; 0x7))'],
    ['[-3,2] *= -4: signed products', 'mul', scalarSRange(-3n, 2n), K(-4), true,
      'scalar(smin=smin32=-8,smax=smax32=12,umax=0xfffffffffffffffc,umax32=0xfffffffc,var_off=(0x0; 0xfffffffffffffffc))'],
    // kernel-observed: w6 &= 0x1ffff; w6 *= 0x10000
    ['w: [0,0x1ffff] *= 0x10000 overflows u32/s32', 'mul', scalarFromTnum(tnum(0n, 0x1ffffn)), K(0x10000), false,
      'scalar(smin=0,smax=umax=umax32=0xffff0000,smax32=0x7fff0000,var_off=(0x0; 0xffff0000))'],
  ]);
});

describe('BPF_DIV / BPF_MOD in 6.18.y: never tracked (is_safe_to_compute_dst_reg_range)', () => {
  table([
    ['[0,100] /= 10', 'div', scalarURange(0n, 100n), K(10), true, 'scalar()'],
    ['[0,100] %= 10', 'mod', scalarURange(0n, 100n), K(10), true, 'scalar()'],
    ['w: 7 s/= -1', 'sdiv', scalarKnown(7n), K(-1), false, 'scalar()'],
    ['w: 7 s%= 2', 'smod', scalarKnown(7n), K(2), false, 'scalar()'],
  ]);
  it('reason', () => {
    expect(aluUnboundedReason('div', K(10), true)).toBe('division and modulo results are not tracked');
  });
});

describe('scalar(32)_min_max_and/or/xor (BPF_AND, BPF_OR, BPF_XOR)', () => {
  table([
    ['unknown &= 0xff', 'and', U, K(0xff), true,
      'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
    ['const & const', 'and', scalarKnown(0x1234n), K(0xff0), true, '560'],
    ['unknown &= -8 (64-bit imm sign-extended)', 'and', U, K(-8), true,
      'scalar(smax=0x7ffffffffffffff8,umax=0xfffffffffffffff8,smax32=0x7ffffff8,umax32=0xfffffff8,var_off=(0x0; 0xfffffffffffffff8))'],
    ['[0,15] |= 0x100', 'or', scalarURange(0n, 15n), K(0x100), true,
      'scalar(smin=umin=smin32=umin32=256,smax=umax=smax32=umax32=271,var_off=(0x100; 0xf))'],
    ['[0,15] ^= 0xff', 'xor', scalarURange(0n, 15n), K(0xff), true,
      'scalar(smin=umin=smin32=umin32=240,smax=umax=smax32=umax32=255,var_off=(0xf0; 0xf))'],
    ['w: unknown |= 0x80000000', 'or', U, K(-0x80000000), false,
      'scalar(smin=umin=umin32=0x80000000,smax=umax=0xffffffff,smax32=-1,var_off=(0x80000000; 0x7fffffff))'],
  ]);
});

describe('maybe_fork_scalars (AND/OR with a constant on a [-1, 0] destination)', () => {
  it('s64 [-1, 0] & 5: current path has dst = -1, the pushed path re-executes with dst = 0', () => {
    const o = scalarAluOutcome('and', scalarSRange(-1n, 0n), K(5), true);
    expect(f(o.result)).toBe('5');
    expect(o.forkedInput).not.toBeNull();
    expect(f(o.forkedInput ?? U)).toBe('0');
    expect(f(o.forked ?? U)).toBe('0');
  });
  it('OR: the pushed path computes 0 | K = K (the fixed fork)', () => {
    const o = scalarAluOutcome('or', scalarSRange(-1n, 0n), K(5), true);
    expect(f(o.result)).toBe('-1');
    expect(f(o.forked ?? U)).toBe('5');
  });
  it('s32 [-1, 0] only: the subregister is split', () => {
    const dst = scalarFrom({ s32min: -1n, s32max: 0n });
    const o = scalarAluOutcome('and', dst, K(0xff), false);
    expect(f(o.result)).toBe('255');
    expect(o.forkedInput?.varOff.value).toBe(0n);
    expect(f(o.forked ?? U)).toBe('0');
  });
  it('no fork for a non-constant source or another range', () => {
    expect(scalarAluOutcome('and', scalarSRange(-1n, 0n), scalarURange(0n, 3n), true).forked).toBeNull();
    expect(scalarAluOutcome('and', scalarSRange(-1n, 1n), K(5), true).forked).toBeNull();
  });
});

describe('shifts: __scalar(32|64)_min_max_lsh, scalar*_rsh, scalar*_arsh', () => {
  table([
    ['[1,3] <<= 2', 'lsh', scalarURange(1n, 3n), K(2), true,
      'scalar(smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=12,var_off=(0x0; 0xc))'],
    ['s64 [-5,5] <<= 32 (sign-extension idiom, no sign guard in 6.18.y)', 'lsh', scalarSRange(-5n, 5n), K(32), true,
      'scalar(smin=0xfffffffb00000000,smax=0x500000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))'],
    ['w: [0,0xffff] <<= 16', 'lsh', scalarURange(0n, 0xffffn), K(16), false,
      'scalar(smin=0,smax=umax=umax32=0xffff0000,smax32=0x7fff0000,var_off=(0x0; 0xffff0000))'],
    ['[0x100,0x1ff] >>= 4', 'rsh', scalarURange(0x100n, 0x1ffn), K(4), true,
      'scalar(smin=umin=smin32=umin32=16,smax=umax=smax32=umax32=31,var_off=(0x10; 0xf))'],
    ['unknown >>= 63', 'rsh', U, K(63), true,
      'scalar(smin=smin32=0,smax=umax=smax32=umax32=1,var_off=(0x0; 0x1))'],
    ['[-16,15] s>>= 2', 'arsh', scalarSRange(-16n, 15n), K(2), true,
      'scalar(smin=smin32=-4,smax=smax32=3)'],
    ['w: unknown s>>= 31', 'arsh', U, K(31), false,
      'scalar(smin=0,smax=umax=0xffffffff,smin32=-1,smax32=0,var_off=(0x0; 0xffffffff))'],
  ]);
  it('unknown or too large shift amounts give a completely unknown (not zero-extended) result', () => {
    expect(f(scalarAlu('lsh', scalarURange(0n, 3n), scalarURange(0n, 1n), false))).toBe('scalar()');
    expect(aluUnboundedReason('lsh', scalarURange(0n, 1n), true)).toBe('shift amount is not a known constant');
    expect(aluUnboundedReason('rsh', scalarKnown(64n), true)).toBe('shift amount may be >= 64');
    expect(aluUnboundedReason('rsh', scalarKnown(32n), false)).toBe('shift amount may be >= 32');
    // ALU32 constant-ness is judged on the subregister, the width check on the u64 bound
    expect(aluUnboundedReason('lsh', scalarKnown(0x1_0000_0001n), false)).toBe('shift amount may be >= 32');
    expect(aluUnboundedReason('lsh', scalarKnown(31n), false)).toBeNull();
  });
});

describe('BPF_NEG (0 - dst with scalar*_min_max_sub and tnum_neg)', () => {
  table([
    ['-[1,5]', 'neg', scalarURange(1n, 5n), U, true,
      'scalar(smin=smin32=-5,smax=smax32=-1,umin=0xfffffffffffffffb,umin32=0xfffffffb,var_off=(0xfffffffffffffff8; 0x7))'],
    ['-[0,1]: 0 - 1 underflows but 0 - 0 does not', 'neg', scalarURange(0n, 1n), U, true,
      'scalar(smin=smin32=-1,smax=smax32=0)'],
    ['w: -(const 1)', 'neg', scalarKnown(1n), U, false, '0xffffffff'],
  ]);
});

describe('BPF_MOV / MOVSX (check_alu_op)', () => {
  table([
    ['r = r keeps everything', 'mov', U, scalarSRange(-3n, 3n), true, 'scalar(smin=smin32=-3,smax=smax32=3)'],
    ['w = w of s64 [-3,3]', 'mov', U, scalarSRange(-3n, 3n), false,
      'scalar(smin=0,smax=umax=0xffffffff,smin32=-3,smax32=3,var_off=(0x0; 0xffffffff))'],
    ['r = (s8)r of [0x80,0x85]', 'movsx8', U, scalarURange(0x80n, 0x85n), true,
      'scalar(smin=smin32=-128,smax=smax32=-123,umin=0xffffffffffffff80,umax=0xffffffffffffff85,umin32=0xffffff80,umax32=0xffffff85,var_off=(0xffffffffffffff80; 0x7))'],
    ['w = (s8)w of [0x80,0x85]', 'movsx8', U, scalarURange(0x80n, 0x85n), false,
      'scalar(smin=umin=umin32=0xffffff80,smax=umax=umax32=0xffffff85,smin32=-128,smax32=-123,var_off=(0xffffff80; 0x7))'],
    ['r = (s32)r of unknown', 'movsx32', U, U, true, 'scalar(smin=0xffffffff80000000,smax=0x7fffffff)'],
    ['w = imm', 'mov', U, K(-1), false, '0xffffffff'],
  ]);
});

describe('BPF_END (scalar_byte_swap, x86-64 little endian)', () => {
  table([
    ['bswap16 const (0x3412 prints in decimal)', 'bswap16', scalarKnown(0xabcd_1234n), U, true, '13330'],
    ['be16 const (swaps on LE)', 'be16', scalarKnown(0x1234n), U, false, '13330'],
    ['be32 const', 'be32', scalarKnown(0x1234n), U, false, '0x34120000'],
    ['le16 const (truncates on LE)', 'le16', scalarKnown(0x1_2345n), U, false, '9029'],
    ['le64 is a no-op', 'le64', scalarURange(3n, 7n), U, false,
      'scalar(smin=umin=smin32=umin32=3,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))'],
    ['be32 of [0,255]', 'be32', scalarURange(0n, 255n), U, false,
      'scalar(smin=0,smax=umax=umax32=0xff000000,smax32=0x7f000000,var_off=(0x0; 0xff000000))'],
    ['bswap64 of [0,255]', 'bswap64', scalarURange(0n, 255n), U, true,
      'scalar(smax=0x7f00000000000000,umax=0xff00000000000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xff00000000000000))'],
  ]);
});

describe('reg_bounds_sanity_check after the ALU op', () => {
  it('no violation for ordinary results', () => {
    expect(scalarAluOutcome('add', scalarURange(0n, 3n), K(1), true).violation).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
// Soundness: concrete results of concrete members are members of the abstract result.

describe('ALU soundness for every op (random sets, seeded)', () => {
  const rng = new Rng(2718);
  it.each(ALU_OPS.flatMap((op) => [[op, true] as const, [op, false] as const]))('%s (64-bit: %s)', (op, is64) => {
    if (op === 'movsx32' && !is64) return; // not encodable
    for (let i = 0; i < 60; i++) {
      const xs = randomSet(rng);
      let ys = randomSet(rng);
      if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && rng.next() < 0.7) {
        ys = [BigInt(rng.int(is64 ? 64 : 32))];
      }
      if (rng.next() < 0.3) ys = [ys[0] ?? 0n];
      const a = abstractOf(xs);
      const b = abstractOf(ys);
      const o = scalarAluOutcome(op, a, b, is64);
      expect(scalarWellFormed(o.result)).toBe(true);
      for (const x of xs) {
        for (const y of ys) {
          const r = concreteAlu(op, x, y, is64);
          const ok = scalarContains(o.result, r) || (o.forked !== null && scalarContains(o.forked, r));
          if (!ok) {
            throw new Error(`${op} ${is64 ? 64 : 32}: ${x} op ${y} = ${r} not in ${f(o.result)} (dst ${f(a)}, src ${f(b)})`);
          }
        }
      }
    }
  });
});
