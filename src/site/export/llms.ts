// /llms.txt: a short Markdown digest for language models and review bots, following the llms.txt
// convention (https://llmstxt.org/): an H1 title, a blockquote summary, a few lines of context,
// then H2 sections of links, each with a note. The rule list links every rule with its one
// sentence; the facts themselves are in rules.json.
import type { RulesJson, RulesJsonRule } from './rules-json.ts';

/** Markdown link text and notes must not break the list syntax. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([[\]])/g, '\\$1').trim();
}

function ruleLine(r: RulesJsonRule): string {
  return `- [${r.id}](${r.url}): ${inline(r.statement)} (${r.confirmation.status === 'kernel-confirmed' ? 'kernel-confirmed' : 'model only'})`;
}

const FAMILY_TITLES: Record<string, string> = {
  kfunc: 'kfunc calls and KF_* flags',
  ref: 'References',
  rcu: 'RCU read-side sections',
  btf: 'Pointers to kernel structs (BTF)',
  kptr: 'kptrs in map values',
  iter: 'Iterators',
  core: 'Core verifier machinery',
};

export interface LlmsTxtOptions {
  /** URL prefix (origin + base, or the base path) for the site's own pages. */
  prefix: string;
  /** Number of examples on the site, and how many of them a kernel confirmed. */
  exampleCount: number;
  confirmedCount: number;
}

export function buildLlmsTxt(rules: RulesJson, opts: LlmsTxtOptions): string {
  const { prefix } = opts;
  const out: string[] = [];
  out.push('# bpfspec', '');
  out.push(
    `> Executable specification of the Linux BPF verifier's rules for kfunc flags, object ownership and iterators: ` +
      `${rules.rules.length} rules with permanent ids, ${opts.exampleCount} example programs checked by a model of the verifier ` +
      `(${rules.profile.kernel})${rules.kernel !== null ? `, ${opts.confirmedCount} of them confirmed by loading them into Linux ${rules.kernel}` : ''}.`,
    '',
  );
  out.push(
    'Each rule has a stable id and a page at /rules/<id>/ that never moves; each example has one at /examples/<id>/. ' +
      'Cite rule ids, not prose. "kernel-confirmed" means at least one example of the rule was loaded into the kernel ' +
      'named above with the documented outcome; "model only" means none was (yet).',
    '',
  );
  out.push('## Data', '');
  out.push(`- [rules.json](${prefix}/rules.json): every rule with its statement, messages, kernel function, kfuncs, KF_* flags, examples with documented and actual outcomes, and kernel confirmation`);
  out.push(`- [Rules index](${prefix}/rules/): rule ids and the page sections that document them`);
  out.push(`- [Verifier messages](${prefix}/messages/): each message the model can print, the rules that print it and the examples that end with it`);
  out.push(`- [Coverage](${prefix}/coverage/): examples and kernel confirmations per rule`);
  out.push('');
  const families = new Map<string, RulesJsonRule[]>();
  for (const r of rules.rules) {
    const fam = r.id.split('.')[0] ?? r.id;
    families.set(fam, [...(families.get(fam) ?? []), r]);
  }
  const order = [...Object.keys(FAMILY_TITLES).filter((f) => f !== 'core' && families.has(f)), ...[...families.keys()].filter((f) => !(f in FAMILY_TITLES)).sort()];
  for (const fam of order) {
    out.push(`## ${FAMILY_TITLES[fam] ?? `${fam}.* rules`}`, '');
    for (const r of families.get(fam) ?? []) out.push(ruleLine(r));
    out.push('');
  }
  const core = families.get('core');
  if (core) {
    // The llms.txt convention's "Optional" section: links a reader with little room may skip.
    out.push('## Optional', '');
    out.push(`- [Examples](${prefix}/examples/): every example program with its outcome`);
    for (const r of core) out.push(ruleLine(r));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
