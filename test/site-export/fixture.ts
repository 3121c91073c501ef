// A small, hand-made results file and content page for the site-export unit tests.
import type { ExampleResult, RuleInfo, SiteData } from '../../src/site/results.ts';
import { parseDocPage } from '../../src/site/export/docs.ts';
import { buildSiteModel, type KfuncFacts, type SiteModel } from '../../src/site/export/model.ts';
import type { MessageRule } from '../../src/site/export/messages.ts';

export function example(id: string, over: Partial<ExampleResult> = {}): ExampleResult {
  return {
    id,
    file: 'specs/core/x.s',
    line: 1,
    title: null,
    description: null,
    source: 'SEC("socket")\n__success\nprog:\n\tr0 = 0\n\texit',
    section: 'socket',
    rules: [],
    profiles: ['v6.18', 'bpf-next'],
    expected: { verdict: 'accept', msgs: [], notMsgs: [], retval: null },
    actual: { verdict: 'accept', error: null, insnProcessed: 2, log: '', ruleId: null },
    agrees: true,
    confirmedOn: '6.18.44-test',
    modelOnly: null,
    ...over,
  };
}

export const PAGE_FILE = 'content/docs/kfuncs/kf-demo.mdx';

export const PAGE_TEXT = `---
title: KF_DEMO
description: A page for the tests.
---

import Example from '../../../src/site/components/Example.astro';

Intro text; see [\`rcu.lock.nested\`](/rules/rcu.lock.nested/).

## Leaks: the \`KF_ACQUIRE\` part

Rules for this section: [\`ref.leak.exit\`](/rules/ref.leak.exit/).

<Example id="demo.leak">

\`\`\`bpf
SEC("syscall")
__rule("ref.leak.exit")
# not a heading: /rules/not.a.link/
demo_leak:
	call bpf_task_from_pid
	exit
\`\`\`

</Example>

## Leaks: the \`KF_ACQUIRE\` part

Same heading twice.

### 4. Release — except on NULL

<Example id="demo.release">

\`\`\`bpf
SEC("syscall")
__rule("kfunc.arg.possibly-null")
demo_release:
	exit
\`\`\`

</Example>
`;

/** Line of `needle` in the page text (1-based). */
export function lineOf(needle: string): number {
  const i = PAGE_TEXT.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`fixture: ${needle} not in the page`);
  return i + 1;
}

export const CATALOGUE: MessageRule[] = [
  { id: 'ref.leak.exit', kernelFn: 'check_resource_leak', msg: (where: string) => `${where} would lead to reference leak` },
  { id: 'rcu.lock.nested', kernelFn: 'check_kfunc_call', msg: (name: string) => `nested rcu read lock (kernel function ${name})` },
  { id: 'kfunc.arg.possibly-null', kernelFn: 'check_kfunc_args', msg: (argno: number) => `Possibly NULL pointer passed to trusted arg${argno}` },
  { id: 'core.reg.read-uninit', kernelFn: 'check_reg_arg', msg: (r: number) => `R${r} !read_ok` },
  { id: 'btf.trust.legacy-walk', kernelFn: 'check_ptr_to_btf_access', msg: () => '' },
];

function rule(id: string, statement: string, kernelFn: string, examples: string[]): RuleInfo {
  return { id, statement, kernelFn, examples };
}

export function siteData(): SiteData {
  const examples: ExampleResult[] = [
    example('demo.leak', {
      file: PAGE_FILE,
      line: lineOf('demo_leak:'),
      rules: ['ref.leak.exit'],
      source: 'SEC("syscall")\n__rule("ref.leak.exit")\ndemo_leak:\n\tcall bpf_task_from_pid\n\texit',
      expected: { verdict: 'reject', msgs: ['would lead to reference leak'], notMsgs: [], retval: null },
      actual: { verdict: 'reject', error: 'BPF_EXIT instruction in main prog would lead to reference leak', insnProcessed: 3, log: 'x\n', ruleId: 'ref.leak.exit' },
      description: 'the reference is still held at exit',
    }),
    example('demo.release', {
      file: PAGE_FILE,
      line: lineOf('demo_release:'),
      rules: ['kfunc.arg.possibly-null'],
      source: 'SEC("syscall")\n__rule("kfunc.arg.possibly-null")\ndemo_release:\n\tr1 = 0\n\tcall bpf_task_from_pid\n\texit',
      profiles: ['bpf-next'],
      confirmedOn: null,
      expected: { verdict: 'reject', msgs: [], notMsgs: [], retval: null },
      actual: { verdict: 'reject', error: 'Possibly NULL pointer passed to trusted arg0', insnProcessed: 3, log: '', ruleId: 'kfunc.arg.possibly-null' },
    }),
    example('core.r0', {
      rules: ['core.reg.read-uninit'],
      expected: { verdict: 'reject', msgs: ['R0 !read_ok'], notMsgs: [], retval: null },
      actual: { verdict: 'reject', error: 'R0 !read_ok', insnProcessed: 1, log: '', ruleId: 'core.reg.read-uninit' },
    }),
    example('core.ok', { rules: ['core.reg.read-uninit'], confirmedOn: null, modelOnly: 'bpf_demo is not in Linux 6.18' }),
    example('uncited.ok'),
  ];
  const by = (r: string): string[] => examples.filter((e) => e.rules.includes(r)).map((e) => e.id);
  const rules = [
    rule('ref.leak.exit', 'Every acquired reference must be released before the main program exits.', 'check_resource_leak', by('ref.leak.exit')),
    rule('rcu.lock.nested', 'bpf_rcu_read_lock() may not be called inside an RCU read-side section', 'check_kfunc_call', by('rcu.lock.nested')),
    rule('kfunc.arg.possibly-null', 'A kfunc with KF_TRUSTED_ARGS takes no maybe-NULL pointer.', 'check_kfunc_args', by('kfunc.arg.possibly-null')),
    rule('core.reg.read-uninit', 'A register must be written before it is read.', 'check_reg_arg', by('core.reg.read-uninit')),
    rule('btf.trust.legacy-walk', 'Walked pointers are plain ptr_.', 'check_ptr_to_btf_access', by('btf.trust.legacy-walk')),
  ];
  return {
    generatedAt: '2026-01-02T03:04:05.000Z',
    profile: 'v6.18',
    examples: Object.fromEntries(examples.map((e) => [e.id, e])),
    rules: Object.fromEntries(rules.map((r) => [r.id, r])),
  };
}

const KFUNCS: Record<string, KfuncFacts> = {
  bpf_task_from_pid: { flags: ['KF_ACQUIRE', 'KF_RET_NULL'], inKernel: true },
  bpf_rcu_read_lock: { flags: [], inKernel: true },
};

export function model(data: SiteData = siteData()): SiteModel {
  return buildSiteModel({
    data,
    pages: [parseDocPage(PAGE_FILE, PAGE_TEXT)],
    catalogue: CATALOGUE,
    kfunc: (name) => (Object.hasOwn(KFUNCS, name) ? KFUNCS[name] : undefined),
  });
}
