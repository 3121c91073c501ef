// The spec corpus is the main test of the model: every example's documented outcome must
// match the model, and (where this machine's kernel can load programs) the kernel too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectExamples } from '../../src/spec/sources.ts';
import { checkExample } from '../../src/spec/runner.ts';
import { kernelCheck } from '../../src/spec/kernel-check.ts';
import { kernelStatus } from '../../src/kernel/loader.ts';
import { allRules } from '../../src/messages/catalog.ts';

const examples = collectExamples(['specs', 'content']);
const kstatus = kernelStatus();

describe('spec corpus: model', () => {
  it('has at least 60 core examples', () => {
    expect(examples.filter((e) => e.id.startsWith('core.')).length).toBeGreaterThanOrEqual(60);
  });
  for (const ex of examples) {
    it(`${ex.id} (${ex.file}:${ex.line})`, { timeout: 120_000 }, () => {
      const r = checkExample(ex);
      expect(r.problems).toEqual([]);
    });
  }
  it('every rule an example cites exists in the message catalogue', () => {
    const ids = new Set(allRules().map((r) => r.id));
    const unknown = examples.flatMap((e) => e.rules.filter((r) => !ids.has(r)).map((r) => `${e.id}: ${r}`));
    expect(unknown).toEqual([]);
  });
  it('every rule has an accepting and a rejecting example (or a stated reason it cannot yet)', () => {
    // Rules whose rejection this kernel cannot show (none at the moment: a root loader may read
    // uninitialised stack, but never iterator slots, which give core.stack.read-uninit and
    // core.helper.stack-uninit their rejecting examples).
    const PENDING: Record<string, string> = {};
    const missing = allRules().flatMap((r) => {
      const acc = examples.some((e) => e.rules.includes(r.id) && e.expected.verdict === 'accept');
      const rej = examples.some((e) => e.rules.includes(r.id) && e.expected.verdict === 'reject');
      if (acc && rej) return [];
      return PENDING[r.id] ? [] : [`${r.id}: ${acc ? '' : 'no accepting example '}${rej ? '' : 'no rejecting example'}`];
    });
    expect(missing).toEqual([]);
    for (const id of Object.keys(PENDING)) expect(allRules().some((r) => r.id === id)).toBe(true);
  });
  it('every rejecting example names the rule the model fired', () => {
    const bad = examples.filter((e) => e.expected.verdict === 'reject').flatMap((e) => {
      const r = checkExample(e);
      return r.actual.ruleId && !e.rules.includes(r.actual.ruleId) ? [`${e.id}: fired ${r.actual.ruleId}, cites ${e.rules.join(',')}`] : [];
    });
    expect(bad).toEqual([]);
  }, 120_000);
});

describe('spec corpus: confirmations', () => {
  // `bpfspec check --kernel --record` writes specs/confirmations.json; the site shows the release.
  const confirmations = JSON.parse(readFileSync('specs/confirmations.json', 'utf8')) as Record<string, { release: string; verdict: string; error: string | null }>;
  it('every example the kernel can load is recorded as confirmed, with the documented verdict', () => {
    const missing = examples.filter((e) => !e.modelOnly && e.profiles.includes('v6.18') && confirmations[e.id]?.verdict !== e.expected.verdict).map((e) => e.id);
    expect(missing, 'run: npm run bpfspec -- check --kernel --record').toEqual([]);
  });
  it('records no example that no longer exists', () => {
    const ids = new Set(examples.map((e) => e.id));
    expect(Object.keys(confirmations).filter((id) => !ids.has(id))).toEqual([]);
  });
});

/** Examples whose `processed N insns` may differ from the kernel's, with the reason. */
const INSN_COUNT_DIFFERS: Record<string, string> = {};

describe.skipIf(!kstatus.available)(`spec corpus: kernel (${kstatus.available ? kstatus.release : kstatus.reason})`, () => {
  for (const ex of examples) {
    it(`${ex.id} on the running kernel`, { timeout: 60_000 }, () => {
      const k = kernelCheck(ex);
      expect(k.problems).toEqual([]);
      const m = checkExample(ex);
      if (k.verdict === 'accept' || k.verdict === 'reject') {
        expect(m.actual.verdict).toBe(k.verdict);
        expect(m.actual.error).toBe(k.error);
        // the model explores and prunes like the kernel, precision included: same `processed N insns`
        if (!(ex.id in INSN_COUNT_DIFFERS)) expect(m.actual.insnProcessed).toBe(k.insn_processed);
      }
    });
  }
});
