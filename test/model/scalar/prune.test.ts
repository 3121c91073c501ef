import { describe, expect, it } from 'vitest';
import { rangeWithin, scalarCovers, scalarRegSafe, scalarsEqual, tnumIn } from '../../../src/model/scalar/prune.ts';
import { scalarKnown, scalarSRange, scalarURange, scalarUnknown } from '../../../src/model/scalar/scalar.ts';
import { tnum } from '../../../src/model/scalar/tnum.ts';

describe('range_within (old covers cur)', () => {
  it.each([
    [scalarURange(0n, 100n), scalarURange(10n, 20n), true],
    [scalarURange(10n, 20n), scalarURange(0n, 100n), false],
    [scalarUnknown(), scalarKnown(5n), true],
    [scalarKnown(5n), scalarUnknown(), false],
    [scalarSRange(-5n, 5n), scalarSRange(-1n, 1n), true],
    // same u64 range but the s64 view differs: [-1, 0] is not within [0, 1]
    [scalarURange(0n, 1n), scalarSRange(-1n, 0n), false],
  ])('%#', (old, cur, ok) => {
    expect(rangeWithin(old, cur)).toBe(ok);
  });
});

describe('tnum_in for pruning', () => {
  it('old tnum must contain the current one', () => {
    expect(tnumIn(tnum(0n, 0xffn), tnum(0x10n, 0xfn))).toBe(true);
    expect(tnumIn(tnum(0x10n, 0xfn), tnum(0n, 0xffn))).toBe(false);
  });
  it('scalarCovers = range_within && tnum_in', () => {
    expect(scalarCovers(scalarURange(0n, 255n), scalarURange(3n, 7n))).toBe(true);
    expect(scalarCovers(scalarURange(3n, 7n), scalarURange(0n, 255n))).toBe(false);
  });
});

describe('regsafe() for SCALAR_VALUE', () => {
  const wide = scalarURange(0n, 255n);
  const narrow = scalarURange(3n, 7n);
  it('imprecise old scalars match anything (NOT_EXACT)', () => {
    expect(scalarRegSafe(narrow, wide, { oldPrecise: false })).toBe(true);
  });
  it('precise old scalars need range_within and tnum_in', () => {
    expect(scalarRegSafe(wide, narrow, { oldPrecise: true })).toBe(true);
    expect(scalarRegSafe(narrow, wide, { oldPrecise: true })).toBe(false);
  });
  it('RANGE_WITHIN compares even imprecise scalars', () => {
    expect(scalarRegSafe(narrow, wide, { oldPrecise: false, exact: 'range_within' })).toBe(false);
  });
  it('EXACT and explore_alu_limits require identical values', () => {
    expect(scalarRegSafe(wide, narrow, { oldPrecise: true, exact: 'exact' })).toBe(false);
    expect(scalarRegSafe(wide, wide, { oldPrecise: false, exact: 'exact' })).toBe(true);
    expect(scalarRegSafe(wide, narrow, { oldPrecise: true, exploreAluLimits: true })).toBe(false);
  });
  it('BPF_ADD_CONST links must agree', () => {
    expect(scalarRegSafe(wide, narrow, { oldPrecise: true, oldAddConstDelta: 1 })).toBe(false);
    expect(scalarRegSafe(wide, narrow, { oldPrecise: true, oldAddConstDelta: 1, curAddConstDelta: 1 })).toBe(true);
    expect(scalarRegSafe(wide, narrow, { oldPrecise: true, oldAddConstDelta: 1, curAddConstDelta: 2 })).toBe(false);
  });
  it('scalarsEqual', () => {
    expect(scalarsEqual(scalarURange(0n, 7n), scalarURange(0n, 7n))).toBe(true);
    expect(scalarsEqual(scalarURange(0n, 7n), scalarURange(0n, 8n))).toBe(false);
  });
});
