// Mermaid text generated from model data (src/site/diagrams/mermaid-text.ts): escaping of data,
// the state diagram of a transition table, and the reference-lifetime flowchart of real traces.
import { describe, expect, it } from 'vitest';
import { examplesFromAsmFile } from '../../src/spec/collect.ts';
import { traceProgram } from '../../src/model/trace/run.ts';
import { mermaidText, refLifetimeText, stateDiagramText } from '../../src/site/diagrams/mermaid-text.ts';

const decode = (s: string): string => s.replace(/#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
const traceOf = (text: string) => traceProgram(examplesFromAsmFile('t.s', text)[0].program, {});

describe('mermaidText', () => {
  it('leaves no character mermaid would parse, and decodes back to the text', () => {
    const raw = 'R1 type="ptr_" <script>; a|b #c {d} [e] f:g `h` \\i';
    const out = mermaidText(raw);
    expect(out.replace(/#\d+;/g, '')).not.toMatch(/[#"<>&;`|\\:{}[\]]/);
    expect(decode(out)).toBe(raw);
  });
  it('keeps each label on one line', () => {
    expect(mermaidText('a\nb\t c')).toBe('a b c');
  });
});

describe('stateDiagramText', () => {
  it('names states once and labels transitions with their rule', () => {
    const text = stateDiagramText([
      { from: '[*]', to: 'uninit', label: 'stack slot' },
      { from: 'uninit', to: 'active', label: 'bpf_iter_num_new()', rule: 'iter.new' },
      { from: 'active', to: 'active', label: 'bpf_iter_num_next(): element or NULL' },
      { from: 'active', to: '[*]', label: 'bpf_iter_num_destroy()' },
    ]);
    expect(text).toBe(
      [
        'stateDiagram-v2',
        '  direction LR',
        '  state "uninit" as s0',
        '  [*] --> s0 : stack slot',
        '  state "active" as s1',
        '  s0 --> s1 : bpf_iter_num_new() #91;iter.new#93;',
        '  s1 --> s1 : bpf_iter_num_next()#58; element or NULL',
        '  s1 --> [*] : bpf_iter_num_destroy()',
        '',
      ].join('\n'),
    );
  });
  it('escapes state names taken from data', () => {
    const text = stateDiagramText([{ from: 'a"b', to: 'c:d', label: '' }], 'TB');
    expect(text).toContain('state "a#34;b" as s0');
    expect(text).toContain('state "c#58;d" as s1');
    expect(text).toContain('  s0 --> s1\n');
    expect(text).toContain('direction TB');
  });
});

describe('refLifetimeText', () => {
  it('is null for a program that never holds a reference', () => {
    expect(refLifetimeText(traceOf('SEC("socket")\n__success\np:\n\tr0 = 0\n\texit\n'))).toBeNull();
  });

  it('draws acquire, release, the NULL branch and both exits of a released reference', () => {
    const t = traceOf(`SEC("syscall")
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
`);
    const text = refLifetimeText(t) ?? '';
    const lines = decode(text).split('\n');
    const node = (re: RegExp): string => lines.find((l) => re.test(l)) ?? '';
    const acquire = node(/insn 1: call bpf_task_from_pid#\d+<br>acquires id=2 \(ptr\)/);
    expect(acquire).toMatch(/:::acquire$/);
    const release = node(/insn 4: call bpf_task_release#\d+<br>releases id=2 \(ptr, from insn 1\); R0, R1 no longer point to it/);
    expect(release).toMatch(/:::release$/);
    expect(node(/from 2 to 5<br>id=2 \(ptr, from insn 1\) is not held on this branch/)).not.toBe('');
    // the acquire hangs off the start, the release off the acquire
    const id = (l: string): string => /^\s+(n\d+)\[/.exec(l)?.[1] ?? '?';
    expect(lines).toContain(`  start --> ${id(acquire)}`);
    expect(lines).toContain(`  ${id(acquire)} --> ${id(release)}`);
    // every path ends: the exit after the release, and the NULL path's exit (or its prune)
    expect(lines.filter((l) => /insn 6: exit<br>path ends, no reference held|from 2 to 5.*<br>safe: pruned at insn 5/.test(l)).length).toBe(2);
    expect(text.startsWith('flowchart TD\n')).toBe(true);
  });

  it('ends a leaking path at the rejection, still holding the reference', () => {
    const t = traceOf(`SEC("syscall")
__failure
leak:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto out
	r0 = 0
out:
	exit
`);
    const text = decode(refLifetimeText(t) ?? '');
    expect(text).toMatch(/\["insn 4: exit<br>rejected: BPF_EXIT instruction in main prog would lead to reference leak<br>holding id=2"\]:::leak/);
  });

  it('keeps the drawing bounded', () => {
    const t = traceOf(`SEC("syscall")
__success
many:
	r6 = 0
l0:
	r1 = 1
	call bpf_task_from_pid
	if r0 == 0 goto skip
	r1 = r0
	call bpf_task_release
skip:
	r6 += 1
	if r6 < 6 goto l0
	r0 = 0
	exit
`);
    const text = decode(refLifetimeText(t, { maxNodes: 5 }) ?? '');
    expect(text.split('\n').filter((l) => /^\s+n\d+\[/.test(l))).toHaveLength(5);
    expect(text).toMatch(/more\[".*\d+ more steps not drawn/);
  });
});
