// The precomputed results the site renders (.bpfspec/site-data.json): the site never runs
// the model itself at build time, it reads what `bpfspec check` computed.
import type { Checked } from './runner.ts';
import { DEFAULT_PROFILE } from '../model/profile.ts';
import { allRules } from '../messages/catalog.ts';

export function buildSiteData(results: Checked[], confirmations: Record<string, { release: string }>): unknown {
  const examples: Record<string, unknown> = {};
  for (const r of results) {
    const e = r.example;
    examples[e.id] = {
      id: e.id, file: e.file, line: e.line, title: null, description: e.description, source: e.source, section: e.program.section,
      rules: e.rules, profiles: e.profiles,
      expected: { verdict: e.expected.verdict, msgs: e.expected.msgs, notMsgs: e.expected.notMsgs, retval: e.expected.retval },
      // an unsupported example disagrees, so `bpfspec check` fails the build before the site is built
      actual: { verdict: r.actual.verdict === 'unsupported' ? 'reject' : r.actual.verdict, error: r.actual.error, insnProcessed: r.actual.insnProcessed, log: r.actual.log },
      agrees: r.agrees, confirmedOn: confirmations[e.id]?.release ?? null,
    };
  }
  const rules: Record<string, unknown> = {};
  for (const r of allRules()) {
    rules[r.id] = { id: r.id, statement: r.statement, kernelFn: r.kernelFn, examples: results.filter((x) => x.example.rules.includes(r.id)).map((x) => x.example.id) };
  }
  return { generatedAt: new Date().toISOString(), profile: DEFAULT_PROFILE, examples, rules };
}
