import { describe, expect, it } from 'vitest';
import {
  JMP_OPS,
  type JmpOp,
  concreteJmp,
  flipOpcode,
  isBranchTaken,
  kernelBranchOutcome,
  narrowOnBranch,
  refineOnBranchRaw,
} from '../../../src/model/scalar/branch.ts';
import { formatScalar } from '../../../src/model/scalar/format.ts';
import {
  type ScalarBounds,
  scalarContains,
  scalarFrom,
  scalarFromTnum,
  scalarImm,
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
const K = scalarImm;

describe('is_scalar_branch_taken', () => {
  it.each([
    ['jeq', scalarKnown(5n), K(5), false, 1],
    ['jeq', scalarKnown(5n), K(6), false, 0],
    ['jne', scalarKnown(5n), K(6), false, 1],
    // tnum_overlap: known bits disagree
    ['jeq', scalarFromTnum(tnum(0x10n, 0xfn)), K(0x20), false, 0],
    ['jne', scalarFromTnum(tnum(0x10n, 0xfn)), K(0x20), false, 1],
    // disjoint ranges
    ['jeq', scalarURange(0n, 10n), K(20), false, 0],
    ['jeq', scalarURange(0n, 10n), K(5), false, -1],
    // 64-bit equality ruled out by the 32-bit bounds
    ['jeq', scalarFrom({ u32min: 5n, u32max: 10n }), scalarKnown(0x1_0000_0003n), false, 0],
    ['jset', scalarFromTnum(tnum(0x10n, 0xfn)), K(0x10), false, 1],
    ['jset', scalarFromTnum(tnum(0x10n, 0xfn)), K(0x100), false, 0],
    ['jset', scalarFromTnum(tnum(0x10n, 0xfn)), K(0x1), false, -1],
    ['jset', K(0x100), scalarFromTnum(tnum(0x10n, 0xfn)), false, 0], // constant on the left is swapped
    ['jset', U, U, false, -1],
    ['jgt', scalarURange(10n, 20n), K(5), false, 1],
    ['jgt', scalarURange(10n, 20n), K(20), false, 0],
    ['jgt', scalarURange(10n, 20n), K(15), false, -1],
    ['jge', scalarURange(10n, 20n), K(10), false, 1],
    ['jge', scalarURange(10n, 20n), K(21), false, 0],
    ['jlt', scalarURange(10n, 20n), K(21), false, 1],
    ['jlt', scalarURange(10n, 20n), K(10), false, 0],
    ['jle', scalarURange(10n, 20n), K(20), false, 1],
    ['jle', scalarURange(10n, 20n), K(9), false, 0],
    ['jsgt', scalarSRange(-5n, 5n), K(-6), false, 1],
    ['jsgt', scalarSRange(-5n, 5n), K(5), false, 0],
    ['jsge', scalarSRange(-5n, 5n), K(-5), false, 1],
    ['jslt', scalarSRange(-5n, 5n), K(6), false, 1],
    ['jsle', scalarSRange(-5n, 5n), K(-6), false, 0],
    // unsigned compare against a negative immediate (sign-extended to 64 bits)
    ['jgt', scalarURange(0n, 100n), K(-1), false, 0],
    // 32-bit: only the subregister bounds count
    ['jgt', scalarFrom({ u32min: 0n, u32max: 10n }), K(10), true, 0],
    ['jgt', scalarFrom({ u32min: 0n, u32max: 10n }), K(10), false, -1],
    ['jslt', scalarKnown(0x8000_0000n), K(0), true, 1],
    ['jslt', scalarKnown(0x8000_0000n), K(0), false, 0],
  ] as const)('%s %s %s (jmp32 %s) -> %i', (op, a, b, is32, pred) => {
    expect(isBranchTaken(op, a, b, is32)).toBe(pred);
  });
  it('same register: decided by the ranges only in 6.18.y (no opcode shortcut)', () => {
    expect(isBranchTaken('jeq', U, U, false, { sameReg: true })).toBe(-1);
    expect(isBranchTaken('jgt', scalarURange(0n, 1n), scalarURange(0n, 1n), false, { sameReg: true })).toBe(-1);
    expect(isBranchTaken('jeq', scalarKnown(3n), scalarKnown(3n), false, { sameReg: true })).toBe(1);
  });
  it('flip_opcode', () => {
    expect(JMP_OPS.map(flipOpcode)).toEqual(['jeq', 'jne', 'jset', 'jlt', 'jle', 'jgt', 'jge', 'jslt', 'jsle', 'jsgt', 'jsge']);
  });
});

describe('reg_set_min_max / regs_refine_cond_op + reg_bounds_sync', () => {
  const byte = scalarURange(0n, 255n); // r &= 255
  it.each([
    // kernel-observed: r6 &= 255; if r6 > 0xa goto ...
    ['jgt', byte, K(10), false, true, 'scalar(smin=umin=smin32=umin32=11,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
    ['jgt', byte, K(10), false, false, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))'],
    ['jeq', byte, K(7), false, true, '7'],
    ['jne', byte, K(0), false, true, 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
    ['jne', byte, K(5), false, true, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
    ['jset', U, K(4), false, true, 'scalar(smin=0x8000000000000004,umin=umin32=4,smin32=0x80000004,var_off=(0x4; 0xfffffffffffffffb))'],
    ['jset', byte, K(4), false, false, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=251,var_off=(0x0; 0xfb))'],
    ['jset', byte, K(6), false, true, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
    ['jslt', U, K(0), false, true, 'scalar(smax=-1,umin=0x8000000000000000,var_off=(0x8000000000000000; 0x7fffffffffffffff))'],
    ['jlt', U, K(10), true, true, 'scalar(smax=0x7fffffff00000009,umax=0xffffffff00000009,smin32=0,smax32=umax32=9,var_off=(0x0; 0xffffffff0000000f))'],
  ] as const)('%s %s %s jmp32=%s taken=%s', (op, a, b, is32, taken, txt) => {
    const r = narrowOnBranch(op, a, b, is32, taken);
    expect(r).not.toBeNull();
    expect(f(r?.[0] ?? U)).toBe(txt);
  });
  it('both registers are refined (kernel-observed: if r6 > r7 with r6 in [0,10])', () => {
    const r6 = scalarURange(0n, 10n);
    const r = narrowOnBranch('jgt', r6, U, false, true);
    expect(r?.map(f)).toEqual([
      'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))',
      'scalar(smin=smin32=0,smax=umax=smax32=umax32=9,var_off=(0x0; 0xf))',
    ]);
  });
  it('decided jumps: the followed edge is unchanged, the other one impossible', () => {
    const a = scalarURange(0n, 10n);
    expect(narrowOnBranch('jgt', a, K(20), false, true)).toBeNull();
    expect(narrowOnBranch('jgt', a, K(20), false, false)).toEqual([a, K(20)]);
  });
  it('contradictory refinement: null, and the kernel logs a verifier bug and resets the bounds', () => {
    // kernel-observed: r6 in [0, 1]; if w6 < w6 goto ...
    const r = scalarURange(0n, 1n);
    expect(narrowOnBranch('jlt', r, r, true, true, { sameReg: true })).toBeNull();
    const o = kernelBranchOutcome('jlt', r, r, true, { sameReg: true });
    expect(o.pred).toBe(-1);
    expect(o.violations).toEqual([
      'REG INVARIANTS VIOLATION (true_reg1): range bounds violation u64=[0x0, 0x1] s64=[0x0, 0x1] u32=[0x1, 0x0] s32=[0x0, 0x1] var_off=(0x0, 0x1)',
    ]);
    expect(f(o.taken?.dst ?? U)).toBe('scalar(var_off=(0x0; 0x1))');
    expect(f(o.fallthrough?.dst ?? U)).toBe(f(r));
  });
  it('dead edge found only by syncing (kernel-observed REG INVARIANTS VIOLATION on true_reg2)', () => {
    const r6 = scalarFromTnum(tnum(0n, 0xffff_fffcn));
    const r7 = scalarFrom({ varOff: tnum(0n, 0x7fff_0000_0000_0000n), umin: 0x8000_0000n });
    expect(f(r6)).toBe('scalar(smin=0,smax=umax=umax32=0xfffffffc,smax32=0x7ffffffc,var_off=(0x0; 0xfffffffc))');
    expect(f(r7)).toBe(
      'scalar(smin=umin=0x80000000,smax=umax=0x7fff000000000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0x7fff000000000000))',
    );
    const o = kernelBranchOutcome('jgt', r6, r7, false);
    expect(o.violations).toEqual([
      'REG INVARIANTS VIOLATION (true_reg2): range bounds violation u64=[0x0, 0x7fff000000000000] s64=[0x0, 0xfffffffffffffffb] u32=[0x80000000, 0x0] s32=[0x0, 0xfffffffb] var_off=(0x0, 0x7fff000000000000)',
    ]);
    expect(f(o.taken?.src ?? U)).toBe('scalar(var_off=(0x0; 0x7fff000000000000))');
    expect(f(o.taken?.dst ?? U)).toBe(
      'scalar(smin=umin=smin32=umin32=0x80000001,smax=umax=umax32=0xfffffffc,smax32=-4,var_off=(0x80000000; 0x7ffffffc))',
    );
    expect(narrowOnBranch('jgt', r6, r7, false, true)).toBeNull();
  });
  it('same register, possible edge: both operands alias one state', () => {
    const r = scalarURange(0n, 9n);
    const [x, y] = refineOnBranchRaw('jle', r, r, false, false, { sameReg: true });
    // the impossible fall-through of `r <= r` shaves one off both ends
    expect([x.umin, x.umax]).toEqual([1n, 8n]);
    expect(y).toEqual(x);
  });
  it('JSET false edge forgets the ranges before narrowing the tnum', () => {
    // (a dead edge: 4 & 4 is never 0) no invariant violation, the value just becomes 0
    const [x] = refineOnBranchRaw('jset', scalarKnown(4n), K(4), false, false);
    expect(f(x)).toBe('0');
  });
});

// ---------------------------------------------------------------------------------------

describe('branch soundness (random sets, seeded)', () => {
  const rng = new Rng(31337);
  it.each(JMP_OPS.flatMap((op) => [[op, false] as const, [op, true] as const]))('%s (jmp32: %s)', (op: JmpOp, is32) => {
    for (let i = 0; i < 120; i++) {
      const xs = randomSet(rng);
      const same = rng.next() < 0.1;
      const ys = same ? xs : rng.next() < 0.4 ? [randomSet(rng)[0] ?? 0n] : randomSet(rng);
      const a = abstractOf(xs);
      const b = same ? a : abstractOf(ys);
      const pred = isBranchTaken(op, a, b, is32, { sameReg: same });
      const k = kernelBranchOutcome(op, a, b, is32, { sameReg: same });
      for (const e of [k.taken, k.fallthrough]) {
        if (e !== null) expect(scalarWellFormed(e.dst) && scalarWellFormed(e.src)).toBe(true);
      }
      const pairs = same ? xs.map((x) => [x, x] as const) : xs.flatMap((x) => ys.map((y) => [x, y] as const));
      for (const [x, y] of pairs) {
        const c = concreteJmp(op, x, y, is32);
        if (pred !== -1) expect(c).toBe(pred === 1);
        const n = narrowOnBranch(op, a, b, is32, c, { sameReg: same });
        if (n === null) throw new Error(`${op}: edge ${c} of ${x} vs ${y} declared impossible (${f(a)} / ${f(b)})`);
        if (!scalarContains(n[0], x) || !scalarContains(n[1], y)) {
          throw new Error(`${op} ${c}: ${x} vs ${y} lost: ${f(n[0])} / ${f(n[1])} from ${f(a)} / ${f(b)}`);
        }
      }
    }
  });
});
