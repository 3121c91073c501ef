// <Example>'s build-time helpers (src/site/trace/present.ts) and the trace schema check
// (src/site/trace/validate.ts) the results reader applies.
import { describe, expect, it } from 'vitest';
import { examplesFromAsmFile } from '../../src/spec/collect.ts';
import { traceProgram } from '../../src/model/trace/run.ts';
import { embedTrace, kernelBadge } from '../../src/site/trace/present.ts';
import { traceProblem } from '../../src/site/trace/validate.ts';

const trace = traceProgram(
  examplesFromAsmFile('t.s', `struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, long); } m SEC(".maps");
SEC("socket")
__failure
p:
	r1 = m ll
	r0 = *(u64 *)(r1 + 0)
	exit
`)[0].program,
  {},
);

describe('kernelBadge', () => {
  it('names the release that confirmed an example', () => {
    expect(kernelBadge({ confirmedOn: '6.18.44-fc-v445', profiles: ['v6.18', 'bpf-next'] })).toMatchObject({ kind: 'kernel', text: 'Linux 6.18.44' });
    expect(kernelBadge({ confirmedOn: '6.18.44-fc-v445', profiles: [] }).title).toContain('6.18.44-fc-v445');
  });
  it('says why an example is model only', () => {
    expect(kernelBadge({ confirmedOn: null, modelOnly: 'bpf_get_mem_cgroup is not in Linux 6.18', profiles: ['v6.18'] }).text).toBe(
      'model only — bpf_get_mem_cgroup is not in Linux 6.18',
    );
    expect(kernelBadge({ confirmedOn: null, modelOnly: null, profiles: ['bpf-next'] }).text).toBe("model only — documents bpf-next behaviour, not Linux 6.18's");
    expect(kernelBadge({ confirmedOn: null, profiles: ['v6.18', 'bpf-next'] })).toMatchObject({ kind: 'model-only', text: 'model only — not confirmed on a kernel yet' });
  });
});

describe('embedTrace', () => {
  it('cannot close its script element or start markup, and parses back to the trace without its log', () => {
    const hostile = { ...trace, insns: [...trace.insns, { idx: 99, text: '</script><img src=x onerror=alert(1)> & <!-- \u2028', line: null }] };
    const json = embedTrace(hostile);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    const back = JSON.parse(json) as Record<string, unknown>;
    expect(back.log).toBeUndefined();
    const { log: _log, ...rest } = hostile;
    expect(back).toEqual(rest);
  });
});

describe('traceProblem', () => {
  it('accepts a trace the model wrote', () => {
    expect(trace.verdict).toBe('reject');
    expect(traceProblem(JSON.parse(JSON.stringify(trace)))).toBeNull();
  });
  it('names what is wrong with a damaged one', () => {
    expect(traceProblem({ ...trace, version: 2 })).toBe('version must be 1');
    expect(traceProblem({ ...trace, steps: [{ ...trace.steps[0], kind: 'jump' }] })).toBe('steps[0].kind must be insn, branch, safe or error');
    expect(traceProblem({ ...trace, steps: [{ ...trace.steps[0], prev: 5 }] })).toBe('steps[0].prev must be -1 or a step index');
    const badReg = { ...trace.steps[0], frames: [{ ...trace.steps[0].frames[0], regs: [{ r: 1 }] }] };
    expect(traceProblem({ ...trace, steps: [badReg] })).toBe('steps[0].frames[]: regs[] must be {r, t, ref?}');
    expect(traceProblem({ ...trace, error: { ...trace.error, path: ['x'] } })).toBe('error.path and error.pathSteps must be number[]');
  });
});
