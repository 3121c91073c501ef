// The precomputed results the site renders (.bpfspec/site-data.json): the site never runs
// the model itself at build time, it reads what `bpfspec check` computed.
import type { Checked } from './runner.ts';
import { exampleProfile } from './example.ts';
import { DEFAULT_PROFILE } from '../model/profile.ts';
import { allRules } from '../messages/catalog.ts';
import { readFileSync } from 'node:fs';
import { hostModelOptions } from './host.ts';
import { sourceStartLine, traceProgram, withSourceLines } from '../model/trace/run.ts';
import type { ModelTrace } from '../model/trace/types.ts';

/** The live trace of a checked example (src/model/trace/), with instructions mapped to its source lines. */
function exampleTrace(r: Checked, fileText: (file: string) => string): ModelTrace | null {
  const e = r.example;
  if (r.actual.verdict === 'unsupported') return null;
  const profile = exampleProfile(e);
  const known = { ...r.actual, verdict: r.actual.verdict, logLevel: e.expected.logLevel };
  const t = traceProgram(e.program, { ...hostModelOptions(), ...(profile ? { profile } : {}) }, known);
  const first = sourceStartLine(fileText(e.file), e.source, e.line);
  return first === null ? t : withSourceLines(t, e.program.srcLocs, e.file, first, e.source.split('\n').length);
}

export function buildSiteData(results: Checked[], confirmations: Record<string, { release: string }>): unknown {
  const examples: Record<string, unknown> = {};
  const files = new Map<string, string>();
  const fileText = (f: string): string => {
    let text = files.get(f);
    if (text === undefined) {
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        text = ''; // no source lines for the trace, nothing else depends on it
      }
      files.set(f, text);
    }
    return text;
  };
  for (const r of results) {
    const e = r.example;
    examples[e.id] = {
      id: e.id, file: e.file, line: e.line, title: null, description: e.description, source: e.source, section: e.program.section,
      rules: e.rules, profiles: e.profiles,
      expected: { verdict: e.expected.verdict, msgs: e.expected.msgs, notMsgs: e.expected.notMsgs, retval: e.expected.retval },
      // an unsupported example disagrees, so `bpfspec check` fails the build before the site is built
      actual: { verdict: r.actual.verdict === 'unsupported' ? 'reject' : r.actual.verdict, error: r.actual.error, insnProcessed: r.actual.insnProcessed, log: r.actual.log, ruleId: r.actual.ruleId },
      agrees: r.agrees, confirmedOn: confirmations[e.id]?.release ?? null, modelOnly: e.modelOnly, trace: exampleTrace(r, fileText),
    };
  }
  const rules: Record<string, unknown> = {};
  for (const r of allRules()) {
    rules[r.id] = { id: r.id, statement: r.statement, kernelFn: r.kernelFn, examples: results.filter((x) => x.example.rules.includes(r.id)).map((x) => x.example.id) };
  }
  return { generatedAt: new Date().toISOString(), profile: DEFAULT_PROFILE, examples, rules };
}
