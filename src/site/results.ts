// Build-time access to the precomputed example results (.bpfspec/site-data.json).
//
// The site never runs the verifier model: `bpfspec check --site-data <file>` (src/cli) runs every
// example and writes this file; Astro components only read it. Everything here runs in Node at
// build time (static prerendering), never in the browser.

import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ModelTrace } from '../model/trace/types.ts';
import { traceProblem } from './trace/validate.ts';

export type Verdict = 'accept' | 'reject';

export interface ExpectedOutcome {
  verdict: Verdict;
  msgs: string[];
  notMsgs: string[];
  retval: number | null;
}

export interface ActualOutcome {
  verdict: Verdict;
  /** The verifier's reason line for a rejection; null when accepted. */
  error: string | null;
  insnProcessed: number;
  log: string;
  /** Id of the catalogue rule the model rejected with; absent in results files written before it existed. */
  ruleId?: string | null;
}

export interface ExampleResult {
  id: string;
  file: string;
  line: number;
  title: string | null;
  description: string | null;
  source: string;
  section: string;
  rules: string[];
  profiles: string[];
  expected: ExpectedOutcome;
  actual: ActualOutcome;
  agrees: boolean;
  /** Kernel version the example was confirmed on with real bpf(2), or null. */
  confirmedOn: string | null;
  /** The example's __model_only("...") reason (why no kernel can confirm it), or null; may be absent. */
  modelOnly?: string | null;
  /** The model's live trace (src/model/trace/types.ts); absent in results files written without it. */
  trace?: ModelTrace | null;
}

/** A rule of the model's message catalogue, with the examples that cite it. */
export interface RuleInfo {
  id: string;
  statement: string;
  /** Kernel function that prints the rule's message. */
  kernelFn: string;
  examples: string[];
}

export interface SiteData {
  generatedAt: string;
  /** Verifier profile the results were computed for, e.g. 'v6.18'. */
  profile: string;
  examples: Record<string, ExampleResult>;
  rules: Record<string, RuleInfo>;
}

/** Environment variable that overrides the results-file path (used with the test fixture). */
export const SITE_DATA_ENV = 'BPFSPEC_SITE_DATA';
/** Default results-file path, relative to the project root. */
export const DEFAULT_SITE_DATA_PATH = '.bpfspec/site-data.json';

/** Raised for any problem with the results file or a missing example id; fails the Astro build. */
export class SiteDataError extends Error {
  override name = 'SiteDataError';
}

/**
 * Absolute path of the results file: $BPFSPEC_SITE_DATA if set, else .bpfspec/site-data.json;
 * relative paths are resolved against `root` (the project root: npm scripts and `astro build`
 * run there).
 */
export function siteDataPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  root: string = process.cwd(),
): string {
  const fromEnv = env[SITE_DATA_ENV];
  const p = fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_SITE_DATA_PATH;
  return isAbsolute(p) ? p : resolve(root, p);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');
const isVerdict = (v: unknown): v is Verdict => v === 'accept' || v === 'reject';
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Returns a description of the first schema violation in one example, or null if it is well-formed. */
function exampleProblem(e: Record<string, unknown>): string | null {
  const checks: [boolean, string][] = [
    [typeof e.id === 'string', 'id must be a string'],
    [typeof e.file === 'string', 'file must be a string'],
    [typeof e.line === 'number', 'line must be a number'],
    [isStringOrNull(e.title), 'title must be a string or null'],
    [isStringOrNull(e.description), 'description must be a string or null'],
    [typeof e.source === 'string', 'source must be a string'],
    [typeof e.section === 'string', 'section must be a string'],
    [isStringArray(e.rules), 'rules must be a string[]'],
    [isStringArray(e.profiles), 'profiles must be a string[]'],
    [typeof e.agrees === 'boolean', 'agrees must be a boolean'],
    [isStringOrNull(e.confirmedOn), 'confirmedOn must be a string or null'],
    [e.modelOnly === undefined || isStringOrNull(e.modelOnly), 'modelOnly must be a string or null'],
  ];
  for (const [ok, what] of checks) if (!ok) return what;
  const x = e.expected;
  if (!isObject(x)) return 'expected must be an object';
  if (!isVerdict(x.verdict)) return "expected.verdict must be 'accept' or 'reject'";
  if (!isStringArray(x.msgs)) return 'expected.msgs must be a string[]';
  if (!isStringArray(x.notMsgs)) return 'expected.notMsgs must be a string[]';
  if (!(x.retval === null || typeof x.retval === 'number')) return 'expected.retval must be a number or null';
  const a = e.actual;
  if (!isObject(a)) return 'actual must be an object';
  if (!isVerdict(a.verdict)) return "actual.verdict must be 'accept' or 'reject'";
  if (!isStringOrNull(a.error)) return 'actual.error must be a string or null';
  if (typeof a.insnProcessed !== 'number') return 'actual.insnProcessed must be a number';
  if (typeof a.log !== 'string') return 'actual.log must be a string';
  if (!(a.ruleId === undefined || isStringOrNull(a.ruleId))) return 'actual.ruleId must be a string or null';
  const traceBad = e.trace === undefined || e.trace === null ? null : traceProblem(e.trace);
  if (traceBad !== null) return `trace.${traceBad}`;
  return null;
}

/** Parses and validates the results file's text; `source` names the file in error messages. */
export function parseSiteData(text: string, source: string): SiteData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SiteDataError(`bpfspec: ${source} is not valid JSON: ${(err as Error).message}`);
  }
  const bad = (what: string): SiteDataError =>
    new SiteDataError(`bpfspec: ${source} does not match the SiteData schema: ${what}`);
  if (!isObject(raw)) throw bad('top level must be an object');
  if (typeof raw.generatedAt !== 'string') throw bad('generatedAt must be a string');
  if (typeof raw.profile !== 'string') throw bad('profile must be a string');
  if (!isObject(raw.examples)) throw bad('examples must be an object keyed by example id');
  for (const [key, ex] of Object.entries(raw.examples)) {
    if (!isObject(ex)) throw bad(`examples["${key}"] must be an object`);
    const problem = exampleProblem(ex);
    if (problem !== null) throw bad(`examples["${key}"].${problem}`);
    if (ex.id !== key) throw bad(`examples["${key}"].id is "${String(ex.id)}", expected "${key}"`);
  }
  if (!isObject(raw.rules)) throw bad('rules must be an object keyed by rule id');
  for (const [key, r] of Object.entries(raw.rules)) {
    if (!isObject(r) || r.id !== key || typeof r.statement !== 'string' || typeof r.kernelFn !== 'string' || !Array.isArray(r.examples)) {
      throw bad(`rules["${key}"] must have id, statement, kernelFn and examples`);
    }
  }
  return raw as unknown as SiteData;
}

let cache: { path: string; mtimeMs: number; data: SiteData } | undefined;

/**
 * Reads and validates the results file (default: siteDataPath()). The parsed data is cached per
 * path and modification time, so a build reads it once and `astro dev` picks up a re-run CLI.
 */
export function loadSiteData(path: string = siteDataPath()): SiteData {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    throw new SiteDataError(
      `bpfspec: results file ${path} not found. Generate it with ` +
        '`node src/cli/main.ts check --site-data .bpfspec/site-data.json` (part of `npm run build`), ' +
        `or point ${SITE_DATA_ENV} at a results file (e.g. test/fixtures/site-data.sample.json).`,
    );
  }
  if (cache?.path === path && cache.mtimeMs === mtimeMs) return cache.data;
  const data = parseSiteData(readFileSync(path, 'utf8'), path);
  cache = { path, mtimeMs, data };
  return data;
}

/**
 * The result for example `id`, or a SiteDataError naming the id, the page that uses it and the
 * results file. `page` is a human-readable location such as "content/docs/index.mdx (/)".
 */
export function lookupExample(data: SiteData, id: string, page: string, source: string): ExampleResult {
  if (Object.hasOwn(data.examples, id)) {
    const result = data.examples[id];
    if (result !== undefined) return result;
  }
  const count = Object.keys(data.examples).length;
  throw new SiteDataError(
    `bpfspec: example id "${id}" used on page ${page} has no result in ${source} ` +
      `(${count} example${count === 1 ? '' : 's'}, profile ${data.profile}, generated ${data.generatedAt}). ` +
      'Check the id attribute of <Example> against the ```bpf block it wraps, then regenerate the results ' +
      'with `node src/cli/main.ts check --site-data .bpfspec/site-data.json`.',
  );
}

/** `path` relative to the working directory when it lies inside it (for readable messages). */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** loadSiteData() + lookupExample(): what the <Example> component calls. */
export function getExample(id: string, page: string, path: string = siteDataPath()): ExampleResult {
  return lookupExample(loadSiteData(path), id, page, displayPath(path));
}
