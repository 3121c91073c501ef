// The playground's verification step (src/site/playground/run.ts), which the Web Worker runs:
// assemble, verify with the model, compare with the program's own annotations.
import { describe, expect, it } from 'vitest';
import { clipLog, PLAYGROUND_FILE, runPlayground, type ProgramRun, type RunResult } from '../../src/site/playground/run.ts';
import { verifyProgram } from '../../src/model/verify.ts';
import { parseAsm } from '../../src/asm/parse.ts';
import { asmOptions } from '../../src/spec/resolve.ts';

const ACQUIRE_RELEASE = `SEC("tp_btf/task_newtask")
__success
release_acquired:
	r1 = *(u64 *)(r1 + 0)
	call bpf_task_acquire
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit
`;

function programs(r: RunResult): ProgramRun[] {
  if (r.kind !== 'programs') throw new Error(`expected programs, got ${r.kind}: ${r.formatted}`);
  return r.programs;
}

function only(r: RunResult): ProgramRun {
  const ps = programs(r);
  expect(ps).toHaveLength(1);
  const p = ps[0];
  if (!p) throw new Error('no program');
  return p;
}

describe('runPlayground', () => {
  it('verifies an accepted program and checks it against its __success', () => {
    const p = only(runPlayground({ text: ACQUIRE_RELEASE, logLevel: 2 }));
    expect(p).toMatchObject({ name: 'release_acquired', section: 'tp_btf/task_newtask', line: 1, profile: 'v6.18', verdict: 'accept', error: null, ruleId: null });
    expect(p.documented).toMatchObject({ verdict: 'accept', problems: [] });
    expect(p.insnProcessed).toBeGreaterThan(0);
    // level 2: every instruction with its state, then the summary line
    expect(p.log).toContain('Live regs before insn:');
    expect(p.log).toMatch(/processed \d+ insns/);
  });

  it('reports the same verdict, reason, rule and count as the model run directly', () => {
    const text = ACQUIRE_RELEASE.replace('\tcall bpf_task_release\n', '');
    const p = only(runPlayground({ text, logLevel: 1 }));
    const pp = parseAsm(text, PLAYGROUND_FILE, asmOptions()).programs[0];
    if (!pp) throw new Error('no program');
    const direct = verifyProgram(pp.program, { logLevel: 1 });
    expect(direct.verdict).toBe('reject');
    expect(p).toMatchObject({ verdict: direct.verdict, error: direct.error, ruleId: direct.ruleId, insnProcessed: direct.insnProcessed, log: direct.log });
    expect(p.documented?.problems).toEqual(['expected accept, got reject']);
  });

  it('runs programs without annotations and does not compare them', () => {
    const p = only(runPlayground({ text: 'SEC("socket")\nplain:\n\tr0 = 0\n\texit\n', logLevel: 1 }));
    expect(p.verdict).toBe('accept');
    expect(p.documented).toBeNull();
  });

  it('matches __msg/__not_msg at the example\'s log level, not the view\'s', () => {
    // "Live regs before insn:" is in the level-2 log only; the example documents level 1.
    const text = 'SEC("socket")\n__success __not_msg("Live regs before insn")\nplain:\n\tr0 = 0\n\texit\n';
    const p = only(runPlayground({ text, logLevel: 2 }));
    expect(p.log).toContain('Live regs before insn');
    expect(p.documented?.problems).toEqual([]);
    const atTwo = only(runPlayground({ text: text.replace('__success', '__success __log_level(2)'), logLevel: 2 }));
    expect(atTwo.documented?.problems).toEqual(['log contains "Live regs before insn" (__not_msg)']);
  });

  it('reports a failing __msg', () => {
    const text = 'SEC("socket")\n__failure __msg("R0 !read_ok")\nbad:\n\texit\n';
    expect(only(runPlayground({ text, logLevel: 1 })).documented?.problems).toEqual([]);
    const wrong = only(runPlayground({ text: text.replace('R0 !read_ok', 'no such message'), logLevel: 1 }));
    expect(wrong.documented?.problems).toEqual(['log does not contain (in order) "no such message"']);
  });

  it('uses a program\'s single __profile', () => {
    const text = 'SEC("socket")\n__profile("bpf-next")\np:\n\tr0 = 0\n\texit\n';
    expect(only(runPlayground({ text, logLevel: 1 })).profile).toBe('bpf-next');
    expect(only(runPlayground({ text: text.replace('__profile("bpf-next")\n', ''), logLevel: 1 })).profile).toBe('v6.18');
  });

  it('verifies every program of the text', () => {
    const text = `${ACQUIRE_RELEASE}\nSEC("socket")\nsecond:\n\texit\n`;
    const ps = programs(runPlayground({ text, logLevel: 1 }));
    expect(ps.map((p) => [p.name, p.verdict])).toEqual([['release_acquired', 'accept'], ['second', 'reject']]);
  });

  it('gives assembler errors with file:line:col', () => {
    const r = runPlayground({ text: 'SEC("socket")\nx:\n\tr0 = \n\texit\n', logLevel: 1 });
    expect(r.kind).toBe('source-error');
    if (r.kind !== 'source-error') return;
    expect(r).toMatchObject({ file: PLAYGROUND_FILE, line: 3 });
    expect(r.formatted).toMatch(/^playground\.s:3:\d+: error: /);
  });

  it('says "unsupported" when the model cannot run a program', () => {
    const p = only(runPlayground({ text: 'SEC("no_such_section")\nx:\n\tr0 = 0\n\texit\n', logLevel: 1 }));
    expect(p.verdict).toBe('unsupported');
    expect(p.error).toMatch(/^not modelled: /);
  });

  it('returns no programs for empty text', () => {
    expect(programs(runPlayground({ text: '', logLevel: 2 }))).toEqual([]);
  });
});

describe('clipLog', () => {
  it('keeps short logs whole', () => {
    expect(clipLog('a\nb\nc', 2, 2)).toEqual({ text: 'a\nb\nc', omitted: 0 });
  });
  it('drops the middle of long logs and says how much', () => {
    const log = Array.from({ length: 10 }, (_, i) => `l${i}`).join('\n');
    expect(clipLog(log, 2, 3)).toEqual({ text: 'l0\nl1\n... 5 lines not shown ...\nl7\nl8\nl9', omitted: 5 });
  });
});
