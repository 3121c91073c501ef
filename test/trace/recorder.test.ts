// The live trace (src/model/trace/): recorded only when asked, the same exploration as an
// untraced run, steps tied to the level-2 log, and the failing path equal to what a level-1 log
// keeps. The corpus part runs every example with the exploration bounded, so it stays fast.
import { describe, expect, it } from 'vitest';
import { collectExamples } from '../../src/spec/sources.ts';
import { examplesFromAsmFile } from '../../src/spec/collect.ts';
import type { Example } from '../../src/spec/example.ts';
import { verifyProgram, type VerifyOptions } from '../../src/model/verify.ts';
import { ModelLimit } from '../../src/model/errors.ts';
import { pathFromLevel1Log, sourceStartLine, traceProgram, withSourceLines } from '../../src/model/trace/run.ts';
import { matchLogLines } from '../../src/model/trace/recorder.ts';

const optsOf = (ex: Example): VerifyOptions => (ex.profiles.length === 1 ? { profile: ex.profiles[0] } : {});

function one(text: string): Example {
  const [ex] = examplesFromAsmFile('t.s', text);
  return ex;
}

const LEAK = `SEC("syscall")
__failure __msg("Unreleased reference id=2 alloc_insn=1")
leak:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r0 = 0
out:
	exit
`;

const RELEASED = `SEC("syscall")
__success
released:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r1 = r0
	call bpf_task_release
out:
	r0 = 0
	exit
`;

describe('trace recorder', () => {
  it('is off unless asked for', () => {
    const ex = one(RELEASED);
    expect(verifyProgram(ex.program).trace).toBeNull();
    expect(verifyProgram(ex.program, { trace: true }).trace).not.toBeNull();
  });

  it('records registers, references and the failing path of a leak', () => {
    const ex = one(LEAK);
    const t = traceProgram(ex.program, {});
    expect(t.verdict).toBe('reject');
    expect(t.insns.map((i) => i.idx)).toEqual([0, 1, 2, 3, 4]);
    expect(t.insns[1].text).toMatch(/^\(85\) call bpf_task_from_pid#\d+$/);
    const afterCall = t.steps[1];
    expect(afterCall).toMatchObject({ kind: 'insn', insn: 1, prev: 0, frame: 0 });
    expect(afterCall.refs).toEqual([{ id: 2, insn: 1, kind: 'ptr' }]);
    expect(afterCall.frames[0].regs.find((r) => r.r === 0)).toEqual({ r: 0, t: 'ptr_or_null_task_struct(id=2,ref_obj_id=2)', ref: 2 });
    // NOT_INIT registers are left out, R10 is always there
    expect(afterCall.frames[0].regs.map((r) => r.r)).toEqual([0, 10]);
    expect(t.error).toMatchObject({ rule: 'ref.leak.exit', insn: 4, path: [0, 1, 2, 3, 4], pathTruncated: false });
    expect(t.error?.message).toBe('BPF_EXIT instruction in main prog would lead to reference leak');
    const last = t.steps[t.steps.length - 1];
    expect(last.kind).toBe('error');
    expect(t.log.split('\n')[last.logLine]).toBe(t.error?.message);
  });

  it('resumes a set-aside branch from the jump that pushed it', () => {
    const ex = one(RELEASED);
    const t = traceProgram(ex.program, {});
    expect(t.verdict).toBe('accept');
    const branch = t.steps.findIndex((s) => s.kind === 'branch');
    expect(branch).toBeGreaterThan(0);
    const b = t.steps[branch];
    expect(t.steps[b.prev]).toMatchObject({ kind: 'insn', insn: 2 });
    expect(b).toMatchObject({ from: 2, insn: 5 });
    // on the NULL branch the reference is gone: the NULL check released it
    expect(b.refs).toEqual([]);
    expect(t.steps[b.prev].refs.map((r) => r.id)).toEqual([2]);
    expect(t.log.split('\n')[b.logLine]).toMatch(/^from 2 to 5: /);
    // the released copy of the pointer is no longer a reference after bpf_task_release
    const rel = t.steps.find((s) => s.kind === 'insn' && s.insn === 4);
    expect(rel?.refs).toEqual([]);
    expect(rel?.frames[0].regs.some((r) => r.ref !== undefined)).toBe(false);
  });

  it('shows stack slots as print_verifier_state prints them, iterator slots included', () => {
    const ex = one(`SEC("syscall")
__success
iter:
	r1 = r10
	r1 += -8
	r2 = 0
	r3 = 3
	call bpf_iter_num_new
	r6 = 7
	*(u64 *)(r10 - 16) = r6
	r1 = r10
	r1 += -8
	call bpf_iter_num_destroy
	r0 = 0
	exit
`);
    const t = traceProgram(ex.program, {});
    expect(t.verdict).toBe('accept');
    const s = t.steps.find((x) => x.kind === 'insn' && x.insn === 6);
    const slots = s?.frames[0].stack ?? [];
    expect(slots.find((x) => x.off === -16)).toEqual({ off: -16, kind: 'spill', t: '7' });
    const it8 = slots.find((x) => x.off === -8);
    expect(it8?.kind).toBe('iter');
    expect(it8?.t).toMatch(/^iter_num\(ref_id=\d+,state=active,depth=0\)$/);
  });

  it('bounds a long exploration and takes the outcome and path from the full run', () => {
    const ex = one(`SEC("socket")
__failure
loop:
	r1 = 0
l0:
	r1 += 1
	if r1 < 100 goto l0
	exit
`);
    const full = verifyProgram(ex.program, { logLevel: 1 });
    expect(full.verdict).toBe('reject');
    expect(full.insnProcessed).toBeGreaterThan(50);
    const known = { ...full, logLevel: 1 };
    const t = traceProgram(ex.program, {}, known, 50);
    expect(t.truncated).toBe(true);
    expect(t.steps.length).toBeLessThanOrEqual(51);
    expect(t.steps.some((s) => s.kind === 'error')).toBe(false);
    expect(t.insnProcessed).toBe(full.insnProcessed);
    expect(t.error).toMatchObject({ rule: full.ruleId, message: full.error, step: null, pathSteps: [] });
    expect(t.error?.path).toEqual(pathFromLevel1Log(full.log));
    expect(t.error?.path.at(-1)).toBe(3);
    // the log stops at the last recorded step
    expect(t.log.trimEnd().split('\n').at(-1)).toMatch(/^\d+: \(/);
    // the same program traced without a bound is not truncated and ends in the error step
    const whole = traceProgram(ex.program, {}, known);
    expect(whole.truncated).toBe(false);
    expect(whole.error?.path).toEqual(t.error?.path);
  });

  it('maps instructions to the lines of the example source', () => {
    const file = `// header\n\n${RELEASED}`;
    const [ex] = examplesFromAsmFile('t.s', file);
    const first = sourceStartLine(file, ex.source, ex.line);
    expect(first).toBe(3);
    const t = withSourceLines(traceProgram(ex.program, {}), ex.program.srcLocs, 't.s', first ?? 0, ex.source.split('\n').length);
    const src = ex.source.split('\n');
    for (const i of t.insns) expect(i.line).not.toBeNull();
    expect(src[(t.insns[1].line ?? 0) - 1]).toContain('call bpf_task_from_pid');
    expect(src[(t.insns[5].line ?? 0) - 1]).toContain('r0 = 0');
    expect(sourceStartLine(file, 'not there', 10)).toBeNull();
  });

  it('matches steps to log lines in order and leaves unmatched ones at -1', () => {
    const lines = ['0: R1=ctx() R10=fp0', '0: (b7) r0 = 0', '1: (95) exit', '', 'from 3 to 5: R0=1', '5: safe', 'boom'];
    expect(
      matchLogLines(
        [
          { kind: 'insn', insn: 0 }, { kind: 'insn', insn: 1 }, { kind: 'branch', insn: 5, from: 3 }, { kind: 'safe', insn: 5 },
          { kind: 'insn', insn: 9 }, { kind: 'error', insn: 9 },
        ],
        lines, 'boom',
      ),
    ).toEqual([1, 2, 4, 5, -1, 6]);
  });
});

describe('trace recorder on the corpus (exploration bounded at 3000 insns)', () => {
  const examples = collectExamples(['content', 'specs']);
  const LIMIT = 3000;
  it('a traced run explores exactly like an untraced one, and its steps are the log', () => {
    const problems: string[] = [];
    let traced = 0;
    for (const ex of examples) {
      let plain;
      try {
        plain = verifyProgram(ex.program, { ...optsOf(ex), logLevel: ex.expected.logLevel, insnLimit: LIMIT });
      } catch (e) {
        if (e instanceof ModelLimit) continue;
        throw e;
      }
      const t = verifyProgram(ex.program, { ...optsOf(ex), logLevel: 2, insnLimit: LIMIT, trace: true, traceLimit: 4 * LIMIT }).trace;
      if (!t) throw new Error('no trace');
      traced++;
      const where = ex.id;
      if (t.verdict !== plain.verdict || t.insnProcessed !== plain.insnProcessed || (t.error?.rule ?? null) !== plain.ruleId) {
        problems.push(`${where}: traced ${t.verdict}/${t.insnProcessed} vs ${plain.verdict}/${plain.insnProcessed}`);
        continue;
      }
      if (t.truncated) problems.push(`${where}: truncated below the trace limit`);
      const processed = t.steps.filter((s) => s.kind === 'insn' || s.kind === 'safe').length;
      // an error step counts as processed, except a jump out of the program (found before counting)
      const errorCounted = t.error && t.error.step !== null && !/^invalid insn idx/.test(t.error.message) ? 1 : 0;
      if (processed + errorCounted !== plain.insnProcessed) problems.push(`${where}: ${processed} insn/safe steps for ${plain.insnProcessed} processed`);
      const lines = t.log.split('\n');
      t.steps.forEach((s, i) => {
        if (s.logLine < 0) problems.push(`${where}: step ${i} (${s.kind} ${s.insn}) has no log line`);
        else if (!lines[s.logLine].includes(String(s.insn)) && s.kind !== 'error') problems.push(`${where}: step ${i} line "${lines[s.logLine]}"`);
        if (s.prev >= i) problems.push(`${where}: step ${i} comes after its predecessor ${s.prev}`);
      });
      if (t.error && t.error.step !== null) {
        const ps = t.error.pathSteps;
        ps.forEach((s, k) => {
          if (t.steps[s].prev !== (k === 0 ? -1 : ps[k - 1])) problems.push(`${where}: path step ${s} is not linked to ${ps[k - 1]}`);
        });
        // at level 1 the kernel keeps only the failing path: the same instructions
        if ((ex.expected.logLevel & 2) === 0 && t.error.insn !== null) {
          const fromLog = pathFromLevel1Log(plain.log);
          // errors found before the instruction is printed (limits, loops, jumps out) end the path one early
          const path = /too large|infinite loop|invalid insn idx/.test(t.error.message) ? t.error.path.slice(0, -1) : t.error.path;
          if (JSON.stringify(fromLog) !== JSON.stringify(path)) problems.push(`${where}: path ${path.join(',')} vs level-1 log ${fromLog.join(',')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(traced).toBeGreaterThan(400);
  }, 120_000);
});
