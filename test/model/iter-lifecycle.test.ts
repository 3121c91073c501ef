// The iterator lifecycle table drives the model's iterator checks and the site's diagram: it must
// cover every slot state for every iterator kfunc, name only real rules, and each refusal must be
// shown by a corpus example that fires it.
import { describe, expect, it } from 'vitest';
import { ITER_LIFECYCLE, iterTransition, type IterSlotState } from '../../src/model/iter/lifecycle.ts';
import { allRules } from '../../src/messages/catalog.ts';
import { collectExamples } from '../../src/spec/sources.ts';

const STATES: IterSlotState[] = ['empty', 'active', 'drained', 'untrusted'];

describe('iterator lifecycle table', () => {
  it('has exactly one entry per slot state for each iterator kfunc event', () => {
    for (const event of ['new', 'next', 'destroy', 'arg'] as const) {
      for (const from of STATES) {
        expect(ITER_LIFECYCLE.filter((t) => t.from === from && t.event === event)).toHaveLength(1);
        expect(iterTransition(from, event).event).toBe(event);
      }
    }
  });
  it('either moves to a state or names the refusing rule, never both', () => {
    for (const t of ITER_LIFECYCLE) {
      if (t.event === 'exit') continue;
      expect(t.to === undefined, `${t.from} --${t.event}-->`).toBe(t.rule !== undefined);
    }
  });
  it('names only rules of the catalogue, each with a rejecting example in the corpus', () => {
    const ids = new Set(allRules().map((r) => r.id));
    const examples = collectExamples(['specs', 'content']);
    for (const t of ITER_LIFECYCLE) {
      if (t.rule === undefined) continue;
      expect(ids.has(t.rule), t.rule).toBe(true);
      expect(examples.some((e) => e.expected.verdict === 'reject' && e.rules.includes(t.rule as string)), t.rule).toBe(true);
    }
  });
  it('cannot be asked about an event it does not list', () => {
    expect(() => iterTransition('empty', 'rcu_unlock')).toThrow(/no entry/);
  });
});

describe('reference lifecycle table', () => {
  it('names only rules of the catalogue, each with a rejecting example in the corpus', async () => {
    const { REF_LIFECYCLE } = await import('../../src/model/refs/lifecycle.ts');
    const ids = new Set(allRules().map((r) => r.id));
    const examples = collectExamples(['specs', 'content']);
    for (const t of REF_LIFECYCLE) {
      expect(t.to === undefined || t.rule === undefined, `${t.from} --${t.event}-->`).toBe(true);
      if (t.rule === undefined) continue;
      expect(ids.has(t.rule), t.rule).toBe(true);
      expect(examples.some((e) => e.expected.verdict === 'reject' && e.rules.includes(t.rule as string)), t.rule).toBe(true);
    }
  });
});
