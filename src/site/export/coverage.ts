// /coverage/: for every rule, how many examples accept and reject under it and how many of those
// a kernel confirmed; totals count each example once, however many rules it cites.
import type { ExampleResult, SiteData } from '../results.ts';
import { ruleExamples } from './model.ts';

export interface CoverageCounts {
  /** Examples documented as accepted / rejected. */
  accepting: number;
  rejecting: number;
  /** Examples confirmed on a kernel / checked by the model only. */
  confirmed: number;
  modelOnly: number;
  total: number;
}

export interface CoverageRow extends CoverageCounts {
  id: string;
  /** Examples whose model outcome disagrees with the documented one (the build fails on any). */
  disagreeing: number;
}

export interface Coverage {
  rows: CoverageRow[];
  /** Distinct examples citing at least one rule. */
  totals: CoverageCounts;
  /** Every example of the site, cited or not. */
  all: CoverageCounts;
  rulesWithoutExamples: string[];
  rulesWithoutConfirmation: string[];
  /** Examples that cite no rule. */
  uncited: string[];
}

function counts(exs: readonly ExampleResult[]): CoverageCounts {
  const confirmed = exs.filter((e) => e.confirmedOn !== null).length;
  return {
    accepting: exs.filter((e) => e.expected.verdict === 'accept').length,
    rejecting: exs.filter((e) => e.expected.verdict === 'reject').length,
    confirmed,
    modelOnly: exs.length - confirmed,
    total: exs.length,
  };
}

export function buildCoverage(data: SiteData): Coverage {
  const rules = Object.values(data.rules).sort((a, b) => a.id.localeCompare(b.id));
  const rows = rules.map((r): CoverageRow => {
    const exs = ruleExamples(data, r);
    return { id: r.id, ...counts(exs), disagreeing: exs.filter((e) => !e.agrees).length };
  });
  const examples = Object.values(data.examples);
  const known = new Set(rules.map((r) => r.id));
  const cited = examples.filter((e) => e.rules.some((id) => known.has(id)));
  return {
    rows,
    totals: counts(cited),
    all: counts(examples),
    rulesWithoutExamples: rows.filter((r) => r.total === 0).map((r) => r.id),
    rulesWithoutConfirmation: rows.filter((r) => r.total > 0 && r.confirmed === 0).map((r) => r.id),
    uncited: examples.filter((e) => !e.rules.some((id) => known.has(id))).map((e) => e.id).sort(),
  };
}
