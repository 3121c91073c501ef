import { describe, expect, it } from 'vitest';
import { formatScalar, formatScalarRanges, formatSnum, formatUnum } from '../../../src/model/scalar/format.ts';
import {
  type ScalarBounds,
  scalarFrom,
  scalarFromTnum,
  scalarKnown,
  scalarSRange,
  scalarURange,
  scalarUnknown,
} from '../../../src/model/scalar/scalar.ts';
import { tnum } from '../../../src/model/scalar/tnum.ts';

const f = (s: ScalarBounds): string => formatScalar(s, { precise: false });

describe('verbose_snum / verbose_unum (kernel/bpf/log.c)', () => {
  it.each([
    [0n, '0'],
    [32767n, '32767'],
    [32768n, '0x8000'],
    [-32768n, '-32768'],
    [-32769n, '0xffffffffffff7fff'],
    [-1n, '-1'],
  ])('snum %s', (n, txt) => {
    expect(formatSnum(n)).toBe(txt);
  });
  it.each([
    [0n, '0'],
    [65535n, '65535'],
    [65536n, '0x10000'],
    [0xffff_ffffn, '0xffffffff'],
  ])('unum %s', (n, txt) => {
    expect(formatUnum(n)).toBe(txt);
  });
});

describe('print_reg_state for scalars', () => {
  it('constants print as signed numbers, with P when precise', () => {
    expect(f(scalarKnown(0n))).toBe('0');
    expect(f(scalarKnown(-1n))).toBe('-1');
    expect(f(scalarKnown(40000n))).toBe('0x9c40');
    expect(formatScalar(scalarKnown(5n), { precise: true })).toBe('P5');
    expect(formatScalar(scalarKnown(5n), { precise: true, id: 3 })).toBe('P5'); // no id on constants
  });
  it('unknown, precise, ids and linked-register deltas', () => {
    expect(f(scalarUnknown())).toBe('scalar()');
    expect(formatScalar(scalarUnknown(), { precise: true })).toBe('Pscalar()');
    expect(formatScalar(scalarUnknown(), { precise: false, id: 1 })).toBe('scalar(id=1)');
    expect(formatScalar(scalarURange(0n, 10n), { precise: true, id: 3 })).toBe(
      'Pscalar(id=3,smin=smin32=0,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))',
    );
    expect(formatScalar(scalarUnknown(), { precise: false, id: 2, addConstDelta: 5 })).toBe('scalar(id=2+5)');
    expect(formatScalar(scalarUnknown(), { precise: false, id: 2, addConstDelta: -5 })).toBe('scalar(id=2-5)');
  });
  it('merging of equal bounds (examples from kernel logs)', () => {
    // r0 &= 255
    expect(f(scalarURange(0n, 255n))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    // r0 |= 3584 on an unknown value (from the tnum_step patch description)
    expect(f(scalarFrom({ varOff: tnum(0xe00n, 0xffff_ffff_ffff_f1ffn) }))).toBe(
      'scalar(smin=0x8000000000000e00,umin=umin32=3584,smin32=0x80000e00,var_off=(0xe00; 0xfffffffffffff1ff))',
    );
  });
  it('negative signed bounds never merge with unsigned ones', () => {
    expect(f(scalarSRange(-10n, -3n))).toBe(
      'scalar(smin=smin32=-10,smax=smax32=-3,umin=0xfffffffffffffff6,umax=0xfffffffffffffffd,umin32=0xfffffff6,umax32=0xfffffffd,var_off=(0xfffffffffffffff0; 0xf))',
    );
  });
  it('hex s32 bounds are printed as u32 patterns (and then merge with equal u32 bounds)', () => {
    const s = scalarFrom({ s32min: -0x10000n, s32max: -2n });
    expect(formatScalarRanges(s)).toEqual([
      'smin=0x80000000ffff0000',
      'smax=0x7ffffffffffffffe',
      // umin absorbs smin32: in hex the s32 bound is the non-negative u32 pattern 0xffff0000
      'umin=smin32=umin32=0xffff0000',
      'umax=0xfffffffffffffffe',
      'smax32=-2',
      'umax32=0xfffffffe',
    ]);
  });
  it('tnum without range knowledge', () => {
    expect(f(scalarFromTnum(tnum(0n, 0xffff_ffff_0000_0000n)))).toBe(
      'scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))',
    );
  });
});
