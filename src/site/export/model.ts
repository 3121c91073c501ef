// Everything the citable pages and exports derive from the results file, the content pages and
// the catalogue, computed once by pure functions: where rules are documented, which message each
// example's reason is, how far each rule and example is confirmed, which kfuncs and KF_* flags a
// rule involves.
import type { ExampleResult, RuleInfo, SiteData } from '../results.ts';
import { buildDocIndex, type DocIndex, type DocPage } from './docs.ts';
import { buildMessages, matchMessage, type MessageInfo, type MessageRule } from './messages.ts';

/** What the catalogue knows about one kfunc. */
export interface KfuncFacts {
  flags: readonly string[];
  inKernel: boolean;
}

export interface SiteModelInput {
  data: SiteData;
  pages: readonly DocPage[];
  /** The message catalogue's rules (src/messages/catalog.ts allRules()). */
  catalogue: readonly MessageRule[];
  /** The kfunc catalogue: facts for a kfunc name, undefined for anything else. */
  kfunc: (name: string) => KfuncFacts | undefined;
}

export interface SiteModel {
  data: SiteData;
  pages: readonly DocPage[];
  docIndex: DocIndex;
  messages: MessageInfo[];
  messageBySlug: Map<string, MessageInfo>;
  /** Example id → slug of the message its actual reason line is (rejected examples only). */
  exampleMessage: Map<string, string>;
  /** Message slug → ids of examples whose actual reason is that message, sorted. */
  messageExamples: Map<string, string[]>;
  /** Message slug → rules the model rejected with when printing it (observed in examples), sorted. */
  messageObservedRules: Map<string, string[]>;
  /** Rule id → slugs of the messages it emits: its catalogue message first, then observed ones. */
  ruleMessages: Map<string, string[]>;
  kfunc: (name: string) => KfuncFacts | undefined;
}

export function buildSiteModel(input: SiteModelInput): SiteModel {
  const { data, pages, catalogue } = input;
  const examples = Object.values(data.examples);
  const docIndex = buildDocIndex(pages, examples);
  const messages = buildMessages(catalogue);
  const messageBySlug = new Map(messages.map((m) => [m.slug, m]));
  const exampleMessage = new Map<string, string>();
  const messageExamples = new Map<string, string[]>();
  const observed = new Map<string, Set<string>>();
  for (const ex of examples) {
    if (ex.actual.verdict !== 'reject' || ex.actual.error === null) continue;
    const m = matchMessage(ex.actual.error, ex.actual.ruleId, messages);
    if (!m) continue;
    exampleMessage.set(ex.id, m.slug);
    messageExamples.set(m.slug, [...(messageExamples.get(m.slug) ?? []), ex.id]);
    if (ex.actual.ruleId) observed.set(m.slug, (observed.get(m.slug) ?? new Set()).add(ex.actual.ruleId));
  }
  for (const list of messageExamples.values()) list.sort();
  const messageObservedRules = new Map([...observed].map(([slug, s]) => [slug, [...s].sort()]));
  const ruleMessages = new Map<string, string[]>();
  const addRuleMessage = (rule: string, slug: string): void => {
    const list = ruleMessages.get(rule) ?? [];
    if (!list.includes(slug)) list.push(slug);
    ruleMessages.set(rule, list);
  };
  for (const m of messages) for (const r of m.rules) addRuleMessage(r, m.slug);
  for (const [slug, rules] of messageObservedRules) for (const r of rules) addRuleMessage(r, slug);
  return { data, pages, docIndex, messages, messageBySlug, exampleMessage, messageExamples, messageObservedRules, ruleMessages, kfunc: input.kfunc };
}

/** 'v6.18' → 'Linux 6.18'; other profile names (bpf-next) are kept. */
export function profileKernelName(profile: string): string {
  return /^v\d/.test(profile) ? `Linux ${profile.slice(1)}` : profile;
}

export type ConfirmationStatus = 'kernel-confirmed' | 'model-only';

export interface ExampleConfirmation {
  status: ConfirmationStatus;
  /** Kernel release that confirmed it, or null. */
  confirmedOn: string | null;
  /** Why no kernel confirms it, or null when one does. */
  modelOnlyReason: string | null;
  /** 'Linux 6.18.44-...' when confirmed, else the kernel the model follows for it. */
  kernelLabel: string;
}

/** How far one example is confirmed, and why not when it is not. */
export function exampleConfirmation(ex: ExampleResult, defaultProfile: string): ExampleConfirmation {
  if (ex.confirmedOn !== null) {
    return { status: 'kernel-confirmed', confirmedOn: ex.confirmedOn, modelOnlyReason: null, kernelLabel: `Linux ${ex.confirmedOn}` };
  }
  const profile = ex.profiles.includes(defaultProfile) ? defaultProfile : (ex.profiles[0] ?? defaultProfile);
  const reason =
    ex.modelOnly ??
    (ex.profiles.includes(defaultProfile)
      ? 'not yet loaded into a kernel (no entry in specs/confirmations.json)'
      : `documents ${ex.profiles.join(', ')} behaviour, not ${profileKernelName(defaultProfile)}'s`);
  return { status: 'model-only', confirmedOn: null, modelOnlyReason: reason, kernelLabel: profileKernelName(profile) };
}

export interface RuleConfirmation {
  /** kernel-confirmed when at least one example citing the rule was confirmed on a kernel. */
  status: ConfirmationStatus;
  /** Releases that confirmed the rule's examples, most examples first. */
  releases: string[];
  confirmedExamples: number;
  modelOnlyExamples: number;
  kernelLabel: string;
}

export function ruleExamples(data: SiteData, rule: RuleInfo): ExampleResult[] {
  return rule.examples.map((id) => data.examples[id]).filter((e): e is ExampleResult => e !== undefined);
}

export function ruleConfirmation(data: SiteData, rule: RuleInfo): RuleConfirmation {
  const exs = ruleExamples(data, rule);
  const counts = new Map<string, number>();
  for (const e of exs) if (e.confirmedOn !== null) counts.set(e.confirmedOn, (counts.get(e.confirmedOn) ?? 0) + 1);
  const releases = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([r]) => r);
  const confirmed = exs.filter((e) => e.confirmedOn !== null).length;
  const first = releases[0];
  return {
    status: first !== undefined ? 'kernel-confirmed' : 'model-only',
    releases,
    confirmedExamples: confirmed,
    modelOnlyExamples: exs.length - confirmed,
    kernelLabel: first !== undefined ? `Linux ${first}` : profileKernelName(data.profile),
  };
}

/** The release that confirmed the most examples, or null. */
export function mainRelease(data: SiteData): string | null {
  const counts = new Map<string, number>();
  for (const e of Object.values(data.examples)) if (e.confirmedOn !== null) counts.set(e.confirmedOn, (counts.get(e.confirmedOn) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;
const KF_FLAG = /\bKF_[A-Z0-9_]*[A-Z0-9]\b/g;

export interface RuleInvolvement {
  /** kfuncs named in the rule's statement or called by its examples, sorted. */
  kfuncs: string[];
  /**
   * KF_* flags, sorted: those the statement names and those of the kfuncs it names; when the
   * statement names neither, the flags of the kfuncs its examples call (e.g. KF_ACQUIRE for a
   * reference leak). The examples' kfuncs are not added otherwise: an example for KF_RCU may well
   * call an iterator, whose flags have nothing to do with the rule.
   */
  flags: string[];
}

function kfuncsIn(model: SiteModel, text: string): string[] {
  return (text.match(IDENT) ?? []).filter((name) => model.kfunc(name) !== undefined);
}

/** The kfuncs and KF_* flags a rule involves, from its statement and its examples' sources. */
export function ruleInvolvement(model: SiteModel, rule: RuleInfo): RuleInvolvement {
  const named = kfuncsIn(model, rule.statement);
  const called = ruleExamples(model.data, rule).flatMap((e) => kfuncsIn(model, e.source));
  const flagsOf = (names: readonly string[]): string[] => names.flatMap((n) => model.kfunc(n)?.flags ?? []);
  let flags = [...(rule.statement.match(KF_FLAG) ?? []), ...flagsOf(named)];
  if (flags.length === 0) flags = flagsOf(called);
  return { kfuncs: [...new Set([...named, ...called])].sort(), flags: [...new Set(flags)].sort() };
}

/** One sentence for an example: its description, else its documented outcome. */
export function exampleStatement(ex: ExampleResult): string {
  if (ex.description !== null && ex.description.trim() !== '') return ex.description.trim();
  if (ex.title !== null && ex.title.trim() !== '') return ex.title.trim();
  if (ex.expected.verdict === 'accept') return 'The verifier accepts this program.';
  const msg = ex.expected.msgs.at(-1);
  return msg !== undefined ? `The verifier rejects this program with "${msg}".` : 'The verifier rejects this program.';
}
