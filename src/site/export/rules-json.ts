// /rules.json: the machine-readable facts behind the site, for review bots and scripts. One
// entry per rule: statement, permanent URL, the messages it emits, the kernel function printing
// them, the kfuncs and KF_* flags involved, its examples with their outcomes, and how far the
// kernel confirms it. Built from the site model by pure functions; validateRulesJson() is the
// schema check the endpoint and the tests apply.
import type { Verdict } from '../results.ts';
import { exampleConfirmation, mainRelease, ruleConfirmation, ruleExamples, ruleInvolvement, profileKernelName, type ConfirmationStatus, type SiteModel } from './model.ts';
import { exampleUrl, messageUrl, pathUrl, ruleUrl } from './urls.ts';

export const RULES_JSON_SCHEMA = 'bpfspec-rules/1';

export interface RulesJsonExample {
  id: string;
  url: string;
  expected: { verdict: Verdict; msgs: string[] };
  actual: { verdict: Verdict; error: string | null; message: string | null };
  agrees: boolean;
  /** Kernel release that confirmed the example; absent when model only. */
  confirmedOn?: string;
  /** Why no kernel confirms the example; absent when confirmed. */
  modelOnlyReason?: string;
}

export interface RulesJsonRule {
  id: string;
  statement: string;
  url: string;
  /** Message formats (`<name>` marks an argument): the catalogue's first, then others seen in examples. */
  messages: string[];
  kernelFn: string;
  kfuncs: string[];
  flags: string[];
  kernelRange: {
    /** First kernel release with the rule: null, the catalogue does not record it. */
    since: string | null;
    /** Kernel profiles the rule's examples document. */
    profiles: string[];
    /** Releases on which at least one of its examples was confirmed. */
    confirmedOn: string[];
  };
  documentedIn: { page: string; section: string | null; url: string }[];
  examples: RulesJsonExample[];
  confirmation: { status: ConfirmationStatus; confirmedExamples: number; modelOnlyExamples: number };
}

export interface RulesJsonMessage {
  slug: string;
  url: string;
  format: string;
  rules: string[];
  kernelFns: string[];
}

export interface RulesJson {
  schema: typeof RULES_JSON_SCHEMA;
  generatedAt: string;
  /** Kernel release that confirmed the examples (the most common one), or null. */
  kernel: string | null;
  /** The verifier profile the model ran, and the kernel it describes. */
  profile: { name: string; kernel: string };
  rules: RulesJsonRule[];
  messages: RulesJsonMessage[];
}

/** Builds rules.json. `prefix` is the URL prefix (origin + base, or the base path). */
export function buildRulesJson(model: SiteModel, prefix: string): RulesJson {
  const { data } = model;
  const rules = Object.values(data.rules).sort((a, b) => a.id.localeCompare(b.id));
  const formatOf = (slug: string): string | undefined => model.messageBySlug.get(slug)?.format;
  return {
    schema: RULES_JSON_SCHEMA,
    generatedAt: data.generatedAt,
    kernel: mainRelease(data),
    profile: { name: data.profile, kernel: profileKernelName(data.profile) },
    rules: rules.map((rule): RulesJsonRule => {
      const exs = ruleExamples(data, rule);
      const conf = ruleConfirmation(data, rule);
      const inv = ruleInvolvement(model, rule);
      const profiles = [...new Set(exs.flatMap((e) => e.profiles))].sort();
      return {
        id: rule.id,
        statement: rule.statement,
        url: ruleUrl(prefix, rule.id),
        messages: (model.ruleMessages.get(rule.id) ?? []).map(formatOf).filter((f): f is string => f !== undefined),
        kernelFn: rule.kernelFn,
        kfuncs: inv.kfuncs,
        flags: inv.flags,
        kernelRange: { since: null, profiles: profiles.length > 0 ? profiles : [data.profile], confirmedOn: conf.releases },
        documentedIn: (model.docIndex.rules.get(rule.id) ?? []).map((s) => ({ page: s.pageTitle, section: s.heading, url: pathUrl(prefix, s.path) })),
        examples: exs.map((ex): RulesJsonExample => {
          const c = exampleConfirmation(ex, data.profile);
          const slug = model.exampleMessage.get(ex.id);
          return {
            id: ex.id,
            url: exampleUrl(prefix, ex.id),
            expected: { verdict: ex.expected.verdict, msgs: ex.expected.msgs },
            actual: { verdict: ex.actual.verdict, error: ex.actual.error, message: slug !== undefined ? messageUrl(prefix, slug) : null },
            agrees: ex.agrees,
            ...(c.confirmedOn !== null ? { confirmedOn: c.confirmedOn } : { modelOnlyReason: c.modelOnlyReason ?? 'model only' }),
          };
        }),
        confirmation: { status: conf.status, confirmedExamples: conf.confirmedExamples, modelOnlyExamples: conf.modelOnlyExamples },
      };
    }),
    messages: model.messages.map((m) => ({ slug: m.slug, url: messageUrl(prefix, m.slug), format: m.format, rules: m.rules, kernelFns: m.kernelFns })),
  };
}

// --- schema check -------------------------------------------------------------------------

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const isVerdict = (v: unknown): boolean => v === 'accept' || v === 'reject';

/** Every URL in the export starts with the prefix and ends in a path of the given shape. */
function urlOk(url: unknown, prefix: string, shape: RegExp): boolean {
  return isStr(url) && url.startsWith(prefix) && shape.test(url.slice(prefix.length));
}

const RULE_PATH = /^\/rules\/[A-Za-z0-9][A-Za-z0-9._-]*\/$/;
const EXAMPLE_PATH = /^\/examples\/[A-Za-z0-9][A-Za-z0-9._-]*\/$/;
const MESSAGE_PATH = /^\/messages\/[a-z0-9][a-z0-9-]*\/$/;
const PAGE_PATH = /^\/([a-z0-9_-]+\/)*(#[^\s#]+)?$/;

/** Problems with a rules.json value (empty when it is valid). */
export function validateRulesJson(value: unknown, prefix: string): string[] {
  const problems: string[] = [];
  const p = (where: string, what: string): void => void problems.push(`${where}: ${what}`);
  if (!isObj(value)) return ['top level must be an object'];
  if (value.schema !== RULES_JSON_SCHEMA) p('schema', `must be "${RULES_JSON_SCHEMA}"`);
  if (!isStr(value.generatedAt) || Number.isNaN(Date.parse(value.generatedAt))) p('generatedAt', 'must be an ISO date');
  if (!(value.kernel === null || isStr(value.kernel))) p('kernel', 'must be a string or null');
  if (!isObj(value.profile) || !isStr(value.profile.name) || !isStr(value.profile.kernel)) p('profile', 'must be {name, kernel}');
  if (!Array.isArray(value.rules)) return [...problems, 'rules: must be an array'];
  const ids = new Set<string>();
  value.rules.forEach((r: unknown, i) => {
    const at = `rules[${i}]`;
    if (!isObj(r)) return p(at, 'must be an object');
    if (!isStr(r.id) || r.id === '') return p(at, 'id must be a non-empty string');
    const w = `rules["${r.id}"]`;
    if (ids.has(r.id)) p(w, 'duplicate id');
    ids.add(r.id);
    if (!isStr(r.statement) || r.statement === '') p(w, 'statement must be a non-empty string');
    if (!urlOk(r.url, prefix, RULE_PATH) || r.url !== `${prefix}/rules/${r.id}/`) p(w, `url must be ${prefix}/rules/${r.id}/`);
    if (!isStrArr(r.messages)) p(w, 'messages must be a string[]');
    if (!isStr(r.kernelFn) || r.kernelFn === '') p(w, 'kernelFn must be a non-empty string');
    if (!isStrArr(r.kfuncs)) p(w, 'kfuncs must be a string[]');
    if (!isStrArr(r.flags) || !r.flags.every((f) => /^KF_[A-Z0-9_]+$/.test(f))) p(w, 'flags must be KF_* names');
    const kr = r.kernelRange;
    if (!isObj(kr) || !(kr.since === null || isStr(kr.since)) || !isStrArr(kr.profiles) || !isStrArr(kr.confirmedOn)) p(w, 'kernelRange must be {since, profiles, confirmedOn}');
    if (!Array.isArray(r.documentedIn) || !r.documentedIn.every((d: unknown) => isObj(d) && isStr(d.page) && (d.section === null || isStr(d.section)) && urlOk(d.url, prefix, PAGE_PATH))) {
      p(w, 'documentedIn must be [{page, section, url}] with site URLs');
    }
    const c = r.confirmation;
    if (!isObj(c) || !(c.status === 'kernel-confirmed' || c.status === 'model-only') || typeof c.confirmedExamples !== 'number' || typeof c.modelOnlyExamples !== 'number') {
      p(w, 'confirmation must be {status, confirmedExamples, modelOnlyExamples}');
    }
    if (!Array.isArray(r.examples)) return p(w, 'examples must be an array');
    r.examples.forEach((e: unknown, j) => {
      const we = `${w}.examples[${j}]`;
      if (!isObj(e) || !isStr(e.id)) return p(we, 'must be an object with an id');
      if (!urlOk(e.url, prefix, EXAMPLE_PATH) || e.url !== `${prefix}/examples/${e.id}/`) p(we, `url must be ${prefix}/examples/${e.id}/`);
      if (!isObj(e.expected) || !isVerdict(e.expected.verdict) || !isStrArr(e.expected.msgs)) p(we, 'expected must be {verdict, msgs}');
      const a = e.actual;
      if (!isObj(a) || !isVerdict(a.verdict) || !(a.error === null || isStr(a.error)) || !(a.message === null || urlOk(a.message, prefix, MESSAGE_PATH))) {
        p(we, 'actual must be {verdict, error, message}');
      }
      if (typeof e.agrees !== 'boolean') p(we, 'agrees must be a boolean');
      const confirmed = isStr(e.confirmedOn);
      const modelOnly = isStr(e.modelOnlyReason);
      if (confirmed === modelOnly) p(we, 'needs exactly one of confirmedOn and modelOnlyReason');
    });
    if (isObj(c) && Array.isArray(r.examples)) {
      const confirmed = r.examples.filter((e: unknown) => isObj(e) && isStr(e.confirmedOn)).length;
      if (c.confirmedExamples !== confirmed || c.modelOnlyExamples !== r.examples.length - confirmed) p(w, 'confirmation counts do not match its examples');
      if ((c.status === 'kernel-confirmed') !== confirmed > 0) p(w, 'confirmation.status does not match its examples');
    }
  });
  if (!Array.isArray(value.messages)) {
    p('messages', 'must be an array');
  } else {
    value.messages.forEach((m: unknown, i) => {
      if (!isObj(m) || !isStr(m.slug) || !isStr(m.format) || !isStrArr(m.rules) || !isStrArr(m.kernelFns) || !urlOk(m.url, prefix, MESSAGE_PATH)) {
        p(`messages[${i}]`, 'must be {slug, url, format, rules, kernelFns}');
      }
    });
  }
  return problems;
}
