// Precision tracking (src/model/precision/): the backtracker's bookkeeping one instruction at a
// time, and — where this machine can load programs — the model's level-2 logs, `mark_precise:` and
// SCC lines included, against the kernel's on the precision and iterator examples.
import { describe, expect, it } from 'vitest';
import { Backtrack, fmtRegMask, fmtStackMask } from '../../src/model/precision/backtrack.ts';
import { prevInsnIdx } from '../../src/model/precision/history.ts';
import type { VState } from '../../src/model/state/state.ts';
import { collectExamples } from '../../src/spec/sources.ts';
import { verifyProgram } from '../../src/model/verify.ts';
import { hostModelOptions } from '../../src/spec/host.ts';
import { kernelStatus } from '../../src/kernel/loader.ts';
import { runOnKernel } from '../../src/kernel/from-ir.ts';

describe('backtrack state', () => {
  it('keeps registers and stack slots per frame, and is empty only when every frame up to the current one is', () => {
    const bt = new Backtrack();
    expect(bt.empty()).toBe(true);
    bt.setReg(2);
    bt.setSlot(0, 1);
    expect(fmtRegMask(bt.regs[0])).toBe('r2');
    expect(fmtStackMask(bt.stack[0])).toBe('-16');
    bt.subprogEnter();
    expect(bt.empty()).toBe(false); // frame 0 still has work
    bt.setReg(0);
    bt.clearReg(2, 0);
    bt.clearSlot(0, 1);
    expect(bt.regs[1]).toBe(1);
    bt.clearReg(0);
    expect(bt.empty()).toBe(true);
    bt.subprogExit();
    expect(() => bt.subprogExit()).toThrow();
  });
});

describe('instruction history', () => {
  const state = (first: number, hist: { idx: number; prevIdx: number }[]): VState =>
    ({ firstInsnIdx: first, hist: hist.map((h) => ({ ...h, stack: null, dstStack: false, srcStack: false, linked: null })) }) as unknown as VState;
  it('steps back one slot, or to the recorded predecessor of a jump target, and stops at the segment start', () => {
    // 2 -> 3 -> 4 -> (jump) 7 -> 8: the history has the entry {7, prev 4}
    const st = state(2, [{ idx: 7, prevIdx: 4 }]);
    const cnt = { n: st.hist.length };
    const walk: (number | null)[] = [];
    let i: number | null = 8;
    while (i !== null) {
      walk.push(i);
      i = prevInsnIdx(st, i, cnt);
    }
    expect(walk).toEqual([8, 7, 4, 3, 2]);
  });
  it('walks a loop inside one segment as often as the history says', () => {
    // 2 -> (jump target) 3 -> 4 -> 5 -> (back) 3 -> 4, in a segment that starts at 3: the target
    // gets an entry on each visit, {3, prev 2} and {3, prev 5}
    const st = state(3, [{ idx: 3, prevIdx: 2 }, { idx: 3, prevIdx: 5 }]);
    const cnt = { n: 2 };
    const walk: number[] = [];
    let i: number | null = 4;
    while (i !== null) {
      walk.push(i);
      i = prevInsnIdx(st, i, cnt);
    }
    expect(walk).toEqual([4, 3, 5, 4, 3]);
  });
});

const kstatus = kernelStatus();
describe.skipIf(!kstatus.available)('level-2 logs against the kernel (precision and iterator examples)', () => {
  const norm = (log: string): string =>
    log.split('\n')
      .filter((l) => !/^verification time|^stack depth|^processed /.test(l))
      // 6.18's stack-liveness debug lines are not modelled
      .filter((l) => !/^\([\d,]+\) (frame \d+ insn|live stack update)/.test(l))
      .map((l) => l.replace(/\(18\) r(\d) = 0x[0-9a-f]+/g, '(18) r$1 = ADDR').replace(/ +;/g, ' ;'))
      .join('\n');
  const examples = collectExamples(['specs/core/precision.s', 'content/docs/iterators']).filter((e) => !e.modelOnly);
  it('has examples to compare', () => expect(examples.length).toBeGreaterThanOrEqual(10));
  for (const ex of examples) {
    it(`${ex.id}: the model's log is the kernel's`, () => {
      const k = runOnKernel(ex.program, 2);
      if (k.kind === 'refused') throw new Error(`kernel refused: ${k.reason}`);
      const m = verifyProgram(ex.program, { ...hostModelOptions(), logLevel: 2 });
      expect(norm(m.log)).toBe(norm(k.log));
    });
  }
});
