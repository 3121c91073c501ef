import { describe, expect, it } from 'vitest';
import { CORE_FEATURES, generateProgram, render } from '../../src/fuzz/grammar.ts';
import { classify, compareText, parseOne, runKernelSide } from '../../src/fuzz/compare.ts';
import { minimize } from '../../src/fuzz/minimize.ts';
import { minimiseDisagreement, runFuzz } from '../../src/fuzz/fuzz.ts';
import { kernelStatus } from '../../src/kernel/loader.ts';

const opts = { features: CORE_FEATURES, maxStatements: 16 };
const kstatus = kernelStatus();

describe('fuzz grammar', () => {
  it('is reproducible from (seed, index)', () => {
    for (const i of [0, 1, 17, 999]) {
      expect(render(generateProgram(42, i, opts), 'p', 'SEC("socket")')).toBe(render(generateProgram(42, i, opts), 'p', 'SEC("socket")'));
    }
    expect(render(generateProgram(42, 1, opts), 'p', '')).not.toBe(render(generateProgram(42, 2, opts), 'p', ''));
  });
  it('always produces text the assembler accepts, and both verdicts', () => {
    let accept = 0;
    let reject = 0;
    for (let i = 0; i < 400; i++) {
      const p = generateProgram(5, i, opts);
      const c = compareText(render(p, 'p', `SEC("${p.section}")`), 'p.s', false);
      expect(c.cls, c.model.error ?? '').not.toBe('invalid');
      expect(c.cls, c.model.error ?? '').not.toBe('model-crash');
      if (c.model.verdict === 'accept') accept++;
      if (c.model.verdict === 'reject') reject++;
    }
    expect(accept).toBeGreaterThan(100);
    expect(reject).toBeGreaterThan(50);
  });
  it('restricting features restricts the statements', () => {
    for (let i = 0; i < 50; i++) {
      const text = render(generateProgram(9, i, { features: ['alu'], maxStatements: 10 }), 'p', '');
      expect(text).not.toMatch(/call|goto|\*\(/);
    }
  });
});

describe.skipIf(!kstatus.available)('kfunc grammar on the kernel', () => {
  it('without planted faults, every program acquires, checks and releases correctly (the kernel accepts all)', { timeout: 120_000 }, () => {
    const features = ['kfuncs', 'rcu', 'branches', 'stack', 'alu'] as const;
    const rejected: string[] = [];
    let kfuncCalls = 0;
    for (let i = 0; i < 300; i++) {
      const p = generateProgram(77, i, { features, maxStatements: 20 });
      expect(p.section).toBe('syscall');
      const text = render(p, 'p', `SEC("${p.section}")`);
      kfuncCalls += (text.match(/call bpf_(task|cgroup|cpumask|rcu)_/g) ?? []).length;
      const k = runKernelSide(parseOne(text, 'p.s'));
      if (k.verdict !== 'accept') rejected.push(`${k.verdict}: ${k.error}\n${text}`);
    }
    expect(rejected.slice(0, 2)).toEqual([]);
    expect(kfuncCalls).toBeGreaterThan(300);
  });
  it('with planted faults, the kernel rejects a share of them for kfunc reasons', { timeout: 120_000 }, () => {
    const reasons = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const p = generateProgram(78, i, { features: ['kfuncs', 'rcu', 'branches', 'invalid'], maxStatements: 20 });
      const k = runKernelSide(parseOne(render(p, 'p', `SEC("${p.section}")`), 'p.s'));
      if (k.verdict === 'reject' && k.error) reasons.add(k.error.replace(/\d+/g, 'N'));
    }
    expect([...reasons]).toEqual(expect.arrayContaining(['Possibly NULL pointer passed to trusted argN', 'BPF_EXIT instruction in main prog would lead to reference leak']));
  });
});

describe.skipIf(!kstatus.available)('iterator grammar on the kernel', () => {
  it('without planted faults, model and kernel agree on every iterator loop', { timeout: 120_000 }, () => {
    const r = runFuzz({ seed: 77, count: 300, timeLimitMs: 100_000, kernel: true, features: ['iters', 'branches', 'stack', 'alu'], maxStatements: 16, maxReports: 3 });
    expect(r.programs).toBe(300);
    expect(r.disagreements.map((d) => d.example)).toEqual([]);
    let loops = 0;
    for (let i = 0; i < 300; i++) loops += (render(generateProgram(77, i, { features: ['iters', 'branches', 'stack', 'alu'], maxStatements: 16 }), 'p', '').match(/call bpf_iter_num_next/g) ?? []).length;
    expect(loops).toBeGreaterThan(150);
  });
  it('with planted faults, the kernel rejects a share of them for iterator reasons', { timeout: 120_000 }, () => {
    const reasons = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const p = generateProgram(79, i, { features: ['iters', 'branches', 'invalid'], maxStatements: 12 });
      const k = runKernelSide(parseOne(render(p, 'p', `SEC("${p.section}")`), 'p.s'));
      if (k.verdict === 'reject' && k.error) reasons.add(k.error.replace(/\d+/g, 'N'));
    }
    expect([...reasons]).toEqual(expect.arrayContaining(['expected an initialized iter_num as arg #N', 'expected uninitialized iter_num as arg #N']));
  });
});

describe('fuzz classification', () => {
  it('names the model-accepts case, the worst one', () => {
    expect(classify({ verdict: 'accept', error: null }, { verdict: 'reject', error: 'R1 !read_ok' })).toBe('model-accepts');
    expect(classify({ verdict: 'reject', error: 'R1 !read_ok' }, { verdict: 'accept', error: null })).toBe('model-rejects');
    expect(classify({ verdict: 'reject', error: 'a' }, { verdict: 'reject', error: 'b' })).toBe('message');
    expect(classify({ verdict: 'reject', error: 'a' }, { verdict: 'reject', error: 'a' })).toBe('agree');
    expect(classify({ verdict: 'unsupported', error: 'x' }, { verdict: 'accept', error: null })).toBe('not-modelled');
    expect(classify({ verdict: 'accept', error: null }, { verdict: 'refused', error: 'EPERM' })).toBe('kernel-refused');
    // the kernel's internal errors are its own defects, reported apart from the model's
    expect(classify({ verdict: 'accept', error: null }, { verdict: 'reject', error: 'verifier bug: stack slot 3, total slots 0 (i >= func->allocated_stack / BPF_REG_SIZE)' })).toBe('kernel-bug');
  });
});

describe('fuzz minimiser', () => {
  it('shrinks to the lines the predicate needs, keeping the final exit', () => {
    const p = { section: 'socket' as const, lines: ['r1 = 1', 'r2 = 2', 'r3 = 3', 'r4 = 4', 'r5 = 5', 'r0 = 0', 'exit'], sub: [] };
    const small = minimize(p, (q) => q.lines.includes('r3 = 3') && q.lines.includes('r5 = 5'));
    expect(small.lines).toEqual(['r3 = 3', 'r5 = 5', 'exit']);
  });
});

describe.skipIf(!kstatus.available)(`fuzz against the kernel (${kstatus.available ? kstatus.release : kstatus.reason})`, () => {
  it('finds no disagreement in 500 programs of a fixed seed', { timeout: 120_000 }, () => {
    const r = runFuzz({ seed: 20261121, count: 500, timeLimitMs: 100_000, kernel: true, features: CORE_FEATURES, maxStatements: 20, maxReports: 5 });
    expect(r.programs).toBe(500);
    expect(r.counts['not-modelled']).toBe(0);
    expect(r.disagreements.map((d) => d.example)).toEqual([]);
    expect(r.kernelVerdicts?.reject).toBeGreaterThan(50);
  });
  it('minimises a planted disagreement into an example that records the kernel outcome', { timeout: 60_000 }, () => {
    // A model told the machine has 2^20 CPUs explores a branch on bpf_get_smp_processor_id()
    // that the kernel (a few CPUs here) knows is dead, and finds the uninitialised read in it.
    const prog = {
      section: 'socket' as const,
      lines: ['r6 = 1', 'call bpf_get_smp_processor_id', 'r7 = r6', 'if w0 s> 4096 goto l0', 'r6 += 2', 'r0 = 0', 'exit', 'l0:', 'r0 = r3', 'r8 = 5', 'exit'],
      sub: [],
    };
    const planted = { kernel: true, model: { nrCpuIds: 1 << 20 } };
    const found = compareText(render(prog, 'p', 'SEC("socket")'), 'p.s', true, planted.model);
    expect(found.cls).toBe('model-rejects');
    const d = minimiseDisagreement(prog, 1, 0, found, 1, planted);
    expect(d.linesAfter).toBeLessThan(d.linesBefore);
    expect(d.example).not.toContain('r6 += 2');
    expect(d.example).toContain('__success');
    // with the real machine's CPU count the model agrees with the example and the kernel
    expect(compareText(d.example, 'again.s', true).cls).toBe('agree');
  });
});
