import { describe, expect, it } from 'vitest';
import { formatScalar } from '../../../src/model/scalar/format.ts';
import {
  type ScalarBounds,
  S32_MAX,
  S32_MIN,
  S64_MAX,
  S64_MIN,
  U32_MAX,
  U64_MAX,
  applySanityCheck,
  coerceRegToSize,
  coerceRegToSizeSx,
  coerceSubregToSizeSx,
  markReg32Unbounded,
  markUnbounded,
  regBoundOffset,
  regBoundsSanityCheck,
  regBoundsSync,
  scalarContains,
  scalarFrom,
  scalarFromTnum,
  scalarKnown,
  scalarKnown32,
  scalarSRange,
  scalarURange,
  scalarUnknown,
  scalarUnknownOfSize,
  scalarUnknownSx,
  updateReg64Bounds,
  updateRegBounds,
  zext32To64,
} from '../../../src/model/scalar/scalar.ts';
import { tnum, tnumContains, tnumRange, toS32, toS64 } from '../../../src/model/scalar/tnum.ts';
import { Rng, abstractOf, randomSet } from './harness.ts';

const f = (s: ScalarBounds): string => formatScalar(s, { precise: false });

describe('___mark_reg_known / __mark_reg32_known / __mark_reg_unknown', () => {
  it('known constants fill every component', () => {
    const k = scalarKnown(-2n);
    expect(k.varOff).toEqual(tnum(U64_MAX - 1n, 0n));
    expect([k.smin, k.smax, k.umin, k.umax]).toEqual([-2n, -2n, U64_MAX - 1n, U64_MAX - 1n]);
    expect([k.s32min, k.s32max, k.u32min, k.u32max]).toEqual([-2n, -2n, U32_MAX - 1n, U32_MAX - 1n]);
    expect(f(scalarKnown(0x1_0000_0005n))).toBe('0x100000005');
  });
  it('known32 only touches the subregister', () => {
    const s = scalarKnown32(scalarUnknown(), 0x8000_0001n);
    expect(s.varOff).toEqual(tnum(0x8000_0001n, 0xffff_ffff_0000_0000n));
    expect([s.s32min, s.s32max, s.u32min, s.u32max]).toEqual([toS32(0x8000_0001n), toS32(0x8000_0001n), 0x8000_0001n, 0x8000_0001n]);
    expect([s.smin, s.smax, s.umin, s.umax]).toEqual([S64_MIN, S64_MAX, 0n, U64_MAX]);
  });
  it('unknown', () => {
    expect(f(scalarUnknown())).toBe('scalar()');
    expect(f(markUnbounded(scalarKnown(3n)))).toBe('3'); // the tnum is kept
    expect(markReg32Unbounded(scalarKnown(3n)).u32max).toBe(U32_MAX);
  });
});

describe('__update_reg_bounds (bounds from the tnum)', () => {
  it('tnum (0x10; 0xf)', () => {
    expect(f(scalarFromTnum(tnum(0x10n, 0xfn)))).toBe(
      'scalar(smin=umin=smin32=umin32=16,smax=umax=smax32=umax32=31,var_off=(0x10; 0xf))',
    );
  });
  it('unknown sign bit: smin has it set, smax has it clear', () => {
    const s = updateRegBounds(freezeParts({ varOff: tnum(0x10n, (1n << 63n) | 0xfn) }));
    expect(s.smin).toBe(toS64((1n << 63n) | 0x10n));
    expect(s.smax).toBe(0x1fn);
    expect(s.umin).toBe(0x10n);
    expect(s.umax).toBe((1n << 63n) | 0x1fn);
  });
});

describe('__update_reg64_bounds: single tnum member in [umin, umax] (tnum_step, 6.18.y)', () => {
  it.each([
    // Cilium's case from the patch: var_off (0xe00; 0x100), range [0xe01, 0xf00] -> 0xf00
    [tnum(0xe00n, 0x100n), 0xe01n, 0xf00n, '3840'],
    // only umin itself
    [tnum(0xe00n, 0x100n), 0xe00n, 0xeffn, '3584'],
    // exactly one member strictly inside (umin, umax]
    [tnum(0n, 0x111n), 2n, 0x10n, '16'],
    // two members: no collapse
    [tnum(0n, 0x111n), 0n, 0x10n, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=16,var_off=(0x0; 0x11))'],
  ])('%o in [%s, %s] -> %s', (t, lo, hi, txt) => {
    expect(f(scalarFrom({ varOff: t, umin: lo, umax: hi }))).toBe(txt);
  });
  it('the collapse happens inside __update_reg64_bounds itself', () => {
    const s = updateReg64Bounds(freezeParts({ varOff: tnum(0xe00n, 0x100n), umin: 0xe01n, umax: 0xf00n }));
    expect(s.varOff).toEqual(tnum(0xf00n, 0n));
    expect([s.s32min, s.u32max]).toEqual([0xf00n, 0xf00n]);
  });
});

describe('__reg32_deduce_bounds', () => {
  it('u64 range with a fixed upper word gives the 32-bit range', () => {
    expect(f(scalarURange(0x1_0000_000an, 0x1_0000_000fn))).toBe(
      'scalar(smin=umin=0x10000000a,smax=umax=0x10000000f,smin32=umin32=10,smax32=umax32=15,var_off=(0x100000008; 0x7))',
    );
  });
  it('upper words differ by one and the low words cross zero: s64 [-1, 1] -> s32 [-1, 1]', () => {
    expect(f(scalarSRange(-1n, 1n))).toBe('scalar(smin=smin32=-1,smax=smax32=1)');
  });
  it('s32 range crossing the sign boundary, u32 range only on the non-negative side (6.18.y backport)', () => {
    // state observed in the kernel log after `if w6 s<= -255` on var_off (0x0; 0xffffffffffff8000)
    const s = scalarFrom({ varOff: tnum(0n, 0xffff_ffff_ffff_8000n), s32min: -254n });
    expect(f(s)).toBe(
      'scalar(smax=0x7fffffff7fff8000,umax=0xffffffff7fff8000,smin32=0,smax32=umax32=0x7fff8000,var_off=(0x0; 0xffffffff7fff8000))',
    );
  });
  it('s32 range crossing the sign boundary, u32 range only on the negative side', () => {
    // s32 [-10, 10] is u32 [0xfffffff6, U32_MAX] U [0, 10]; u32 [0x7ffffff0, 0xfffffff8]
    // (itself crossing the s32 sign boundary) only meets the first piece
    const s = scalarFrom({ s32min: -10n, s32max: 10n, u32min: 0x7fff_fff0n, u32max: 0xffff_fff8n });
    expect([s.s32min, s.s32max, s.u32min, s.u32max]).toEqual([-10n, -8n, 0xffff_fff6n, 0xffff_fff8n]);
  });
});

describe('__reg64_deduce_bounds', () => {
  it('s64 and u64 in the same half combine', () => {
    expect(f(scalarFrom({ smin: -10n, smax: 10n, umin: 5n, umax: 100n }))).toBe(
      'scalar(smin=umin=smin32=umin32=5,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))',
    );
  });
  it('s64 crosses the sign boundary, u64 only meets the non-negative piece', () => {
    expect(f(scalarFrom({ smin: -10n, smax: 10n, umin: 5n, umax: (1n << 63n) + 5n }))).toBe(
      'scalar(smin=umin=smin32=umin32=5,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))',
    );
  });
  it('s64 crosses the sign boundary, u64 only meets the negative piece', () => {
    expect(f(scalarFrom({ smin: -10n, smax: 10n, umin: (1n << 63n) - 5n, umax: U64_MAX - 2n }))).toBe(
      'scalar(smin=smin32=-10,smax=smax32=-3,umin=0xfffffffffffffff6,umax=0xfffffffffffffffd,umin32=0xfffffff6,umax32=0xfffffffd,var_off=(0xfffffffffffffff0; 0xf))',
    );
  });
  it('crossing ranges meeting both pieces learn nothing', () => {
    const s = scalarFrom({ smin: -10n, smax: 10n, umin: 5n, umax: U64_MAX - 2n });
    expect([s.smin, s.smax, s.umin, s.umax]).toEqual([-10n, 10n, 5n, U64_MAX - 2n]);
  });
});

describe('__reg_deduce_mixed_bounds', () => {
  it('u32 bounds substituted into the low words of the 64-bit bounds', () => {
    const s = scalarFrom({ umin: 0x1_0000_0000n, umax: 0x3_8000_0000n, s32min: 1n, s32max: S32_MAX });
    expect([s.umin, s.umax]).toEqual([0x1_0000_0001n, 0x3_7fff_ffffn]);
  });
  it('after a sign extension, a non-negative s32 pins the 64-bit range', () => {
    expect(f(scalarFrom({ smin: -100n, smax: 100n, s32min: 0n, s32max: 50n }))).toBe(
      'scalar(smin=smin32=0,smax=umax=smax32=umax32=50,var_off=(0x0; 0x3f))',
    );
  });
});

describe('__reg_bound_offset / reg_bounds_sync', () => {
  it('learns tnum bits from the u64 and u32 ranges', () => {
    const s = regBoundOffset(freezeParts({ umin: 0n, umax: 7n }));
    expect(s.varOff).toEqual(tnum(0n, 7n));
    const t = regBoundOffset(freezeParts({ umin: 0n, umax: U64_MAX, u32min: 0x10n, u32max: 0x1fn }));
    expect(t.varOff).toEqual(tnum(0x10n, 0xffff_ffff_0000_000fn));
  });
  it('sync of an already synced state is stable here', () => {
    const s = scalarURange(3n, 258n);
    expect(regBoundsSync(s)).toEqual(s);
  });
});

describe('zext_32_to_64 / __reg_assign_32_into_64', () => {
  it('negative s32 bounds do not carry into the 64-bit bounds', () => {
    const s = zext32To64(scalarFrom({ s32min: -1n, s32max: 1n }));
    expect(f(s)).toBe('scalar(smin=0,smax=umax=0xffffffff,smin32=-1,smax32=1,var_off=(0x0; 0xffffffff))');
  });
  it('non-negative s32 bounds do', () => {
    const s = zext32To64(scalarFrom({ s32min: 2n, s32max: 9n, smin: -5n }));
    expect([s.smin, s.smax, s.umin, s.umax]).toEqual([2n, 9n, 2n, 9n]);
  });
});

describe('coerce_reg_to_size', () => {
  it.each([
    [scalarURange(0x105n, 0x10an), 1, 'scalar(smin=umin=smin32=umin32=5,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))'],
    [scalarURange(0x1f0n, 0x20fn), 1, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'],
    [scalarUnknown(), 2, 'scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))'],
    [scalarUnknown(), 4, 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))'],
    [scalarKnown(0x1234_5678_9abcn), 2, '0x9abc'],
  ] as const)('%o to %i bytes', (s, size, txt) => {
    expect(f(coerceRegToSize(s, size))).toBe(txt);
  });
  it('narrow unknown loads', () => {
    expect(f(scalarUnknownOfSize(1))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
  });
});

describe('coerce_reg_to_size_sx / coerce_subreg_to_size_sx', () => {
  it('range on one side of the sign bit', () => {
    expect(f(coerceRegToSizeSx(scalarURange(0x80n, 0x85n), 1))).toBe(
      'scalar(smin=smin32=-128,smax=smax32=-123,umin=0xffffffffffffff80,umax=0xffffffffffffff85,umin32=0xffffff80,umax32=0xffffff85,var_off=(0xffffffffffffff80; 0x7))',
    );
  });
  it('constant', () => {
    expect(f(coerceRegToSizeSx(scalarKnown(0xffn), 1))).toBe('-1');
    expect(f(coerceRegToSizeSx(scalarKnown(0x8000_0000n), 4))).toBe('0xffffffff80000000');
  });
  it('range crossing the sign bit falls back to the full sign-extended range', () => {
    expect(f(coerceRegToSizeSx(scalarURange(0x7en, 0x81n), 1))).toBe('scalar(smin=smin32=-128,smax=smax32=127)');
    expect(f(scalarUnknownSx(2))).toBe('scalar(smin=smin32=-32768,smax=smax32=32767)');
    // the s32 bounds are S32_MIN/S32_MAX and therefore omitted
    expect(f(scalarUnknownSx(4))).toBe('scalar(smin=0xffffffff80000000,smax=0x7fffffff)');
  });
  it('subregister variant', () => {
    const s = coerceSubregToSizeSx(scalarURange(0x8000n, 0x8001n), 2);
    expect([s.s32min, s.s32max, s.u32min, s.u32max]).toEqual([-32768n, -32767n, 0xffff_8000n, 0xffff_8001n]);
    expect(s.varOff).toEqual(tnum(0xffff_8000n, 1n));
    const c = zext32To64(coerceSubregToSizeSx(scalarKnown(0x80n), 1));
    expect(c.varOff).toEqual(tnum(0xffff_ff80n, 0n));
  });
});

describe('reg_bounds_sanity_check', () => {
  it('accepts consistent states', () => {
    expect(regBoundsSanityCheck(scalarURange(5n, 10n))).toBeNull();
    expect(regBoundsSanityCheck(scalarKnown(7n))).toBeNull();
  });
  it('reports what the kernel prints (Cilium report in the tnum_step patch)', () => {
    const bad = freezeParts({
      varOff: tnum(0xe00n, 0n),
      umin: 0xe01n,
      umax: 0xe00n,
      smin: 0xe01n,
      smax: 0xe00n,
      u32min: 0xe01n,
      u32max: 0xe00n,
      s32min: 0xe01n,
      s32max: 0xe00n,
    });
    expect(regBoundsSanityCheck(bad, 'false_reg1')).toBe(
      'REG INVARIANTS VIOLATION (false_reg1): range bounds violation u64=[0xe01, 0xe00] s64=[0xe01, 0xe00] u32=[0xe01, 0xe00] s32=[0xe01, 0xe00] var_off=(0xe00, 0x0)',
    );
    const r = applySanityCheck(bad, 'false_reg1');
    expect(r.reg.varOff).toEqual(tnum(0xe00n, 0n));
    expect([r.reg.umin, r.reg.umax, r.reg.s32min]).toEqual([0n, U64_MAX, S32_MIN]);
  });
  it('const tnum and const subreg mismatches', () => {
    expect(regBoundsSanityCheck({ ...scalarKnown(5n), umin: 4n })).toContain('const tnum out of sync with range bounds');
    expect(regBoundsSanityCheck({ ...scalarKnown(5n), u32min: 4n })).toContain(
      'const subreg tnum out of sync with range bounds',
    );
    expect(regBoundsSanityCheck({ ...scalarKnown(-1n), s32max: 0n }, 'alu')).toBe(
      'REG INVARIANTS VIOLATION (alu): const subreg tnum out of sync with range bounds u64=[0xffffffffffffffff, 0xffffffffffffffff] s64=[0xffffffffffffffff, 0xffffffffffffffff] u32=[0xffffffff, 0xffffffff] s32=[0xffffffff, 0x0] var_off=(0xffffffffffffffff, 0x0)',
    );
  });
});

// ---------------------------------------------------------------------------------------

function freezeParts(parts: Partial<ScalarBounds>): ScalarBounds {
  return Object.freeze({ ...scalarUnknown(), ...parts });
}

describe('reg_bounds_sync soundness (random sets, seeded)', () => {
  it('every value of the set stays in the synced abstraction', () => {
    const rng = new Rng(99);
    for (let i = 0; i < 1500; i++) {
      const vals = randomSet(rng);
      const a = abstractOf(vals);
      expect(regBoundsSanityCheck(a)).toBeNull();
      for (const v of vals) expect(scalarContains(a, v)).toBe(true);
      expect(tnumContains(a.varOff, vals[0] ?? 0n)).toBe(true);
    }
  });
  it('a range and its tnum_range agree', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const a = rng.u64();
      const b = rng.u64();
      const lo = a < b ? a : b;
      const hi = a < b ? b : a;
      const s = scalarURange(lo, hi);
      expect(scalarContains(s, lo) && scalarContains(s, hi)).toBe(true);
      expect(tnumContains(tnumRange(lo, hi), lo)).toBe(true);
    }
  });
});
