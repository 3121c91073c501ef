// Where the content pages document each rule and hold each example: the MDX sources under
// content/docs are split into sections (the page's introduction, then one per heading), each
// section's /rules/<id>/ links are collected, and examples are placed in the section containing
// their source line. Pure functions over file paths and texts; context.ts reads the files.
import { HeadingSlugger, githubSlug, headingText } from './slug.ts';

/** Content pages live here, relative to the project root. */
export const CONTENT_DIR = 'content/docs';

export interface DocSection {
  /** Heading text; null for the part of the page before its first heading. */
  heading: string | null;
  /** Heading level (1-6); 0 for the introduction. */
  depth: number;
  /** The heading's id on the built page; null for the introduction. */
  anchor: string | null;
  /** First and last source line (1-based, inclusive) of the section. */
  startLine: number;
  endLine: number;
  /** Rule ids linked as /rules/<id>/ in the section, in order of first appearance. */
  ruleLinks: string[];
}

export interface DocPage {
  /** Path relative to the project root, e.g. content/docs/kfuncs/kf-acquire.mdx. */
  file: string;
  /** Site path of the page (without the base), e.g. /kfuncs/kf-acquire/. */
  path: string;
  title: string;
  sections: DocSection[];
}

/** Where a rule is documented, or where an example lives: one section of one page. */
export interface SectionRef {
  file: string;
  /** Page path without the base, e.g. /kfuncs/kf-acquire/. */
  pagePath: string;
  pageTitle: string;
  heading: string | null;
  anchor: string | null;
  /** Page path plus #anchor (no base). */
  path: string;
}

export interface RuleDocRef extends SectionRef {
  /** Why the section documents the rule: it links the rule's page, and/or holds an example citing it. */
  via: ('link' | 'example')[];
}

/**
 * Site path of a content file, as the glob() loader and Starlight route it: the path under
 * content/docs without its extension, each segment slugged, `index` meaning its directory.
 */
export function pagePathFor(file: string): string {
  const norm = file.replace(/\\/g, '/');
  const prefix = `${CONTENT_DIR}/`;
  if (!norm.startsWith(prefix)) throw new Error(`bpfspec: ${file} is not under ${CONTENT_DIR}/`);
  const segments = norm
    .slice(prefix.length)
    .replace(/\.(mdx|md|markdown|mdown|mkdn|mkd|mdwn)$/, '')
    .split('/')
    .map((s) => githubSlug(s));
  if (segments.at(-1) === 'index') segments.pop();
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

const RULE_LINK = /\/rules\/([A-Za-z0-9._-]+)\//g;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;

function frontmatterTitle(lines: string[]): { title: string | null; end: number } {
  if (lines[0]?.trim() !== '---') return { title: null, end: 0 };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]?.trim() === '---') {
      let title: string | null = null;
      for (const l of lines.slice(1, i)) {
        const m = /^title:\s*(.*?)\s*$/.exec(l);
        if (m) title = (m[1] ?? '').replace(/^(['"])(.*)\1$/, '$2');
      }
      return { title, end: i + 1 };
    }
  }
  return { title: null, end: 0 };
}

/** Splits one MDX page into sections. `file` is relative to the project root. */
export function parseDocPage(file: string, text: string): DocPage {
  const lines = text.split('\n');
  const fm = frontmatterTitle(lines);
  const slugger = new HeadingSlugger();
  const sections: DocSection[] = [{ heading: null, depth: 0, anchor: null, startLine: 1, endLine: lines.length, ruleLinks: [] }];
  let fence: string | null = null;
  for (let i = fm.end; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const lineNo = i + 1;
    if (fence !== null) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (close !== undefined && close[0] === fence[0] && close.length >= fence.length) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      fence = open[1] ?? '```';
      continue;
    }
    const h = HEADING.exec(line);
    const current = sections[sections.length - 1];
    if (h && current) {
      current.endLine = lineNo - 1;
      const heading = headingText(h[2] ?? '');
      sections.push({ heading, depth: (h[1] ?? '#').length, anchor: slugger.slug(heading), startLine: lineNo, endLine: lines.length, ruleLinks: [] });
      continue;
    }
    if (current) {
      for (const m of line.matchAll(RULE_LINK)) {
        const id = m[1] ?? '';
        if (!current.ruleLinks.includes(id)) current.ruleLinks.push(id);
      }
    }
  }
  return { file, path: pagePathFor(file), title: fm.title ?? pagePathFor(file), sections };
}

function sectionRef(page: DocPage, s: DocSection): SectionRef {
  return {
    file: page.file,
    pagePath: page.path,
    pageTitle: page.title,
    heading: s.heading,
    anchor: s.anchor,
    path: s.anchor === null ? page.path : `${page.path}#${s.anchor}`,
  };
}

/** The section of `page` containing source line `line`. */
export function sectionAt(page: DocPage, line: number): DocSection | undefined {
  return page.sections.find((s) => s.startLine <= line && line <= s.endLine);
}

/** What the doc index needs to know about an example. */
export interface ExampleLocation {
  id: string;
  file: string;
  line: number;
  rules: readonly string[];
}

export interface DocIndex {
  /** Rule id → the sections documenting it, in page order. */
  rules: Map<string, RuleDocRef[]>;
  /** Example id → the section holding it (content examples only). */
  examples: Map<string, SectionRef>;
}

/** Maps rules to the sections that document them and content examples to their sections. */
export function buildDocIndex(pages: readonly DocPage[], examples: readonly ExampleLocation[]): DocIndex {
  const byFile = new Map(pages.map((p) => [p.file, p]));
  const rules = new Map<string, RuleDocRef[]>();
  const add = (rule: string, page: DocPage, s: DocSection, via: 'link' | 'example'): void => {
    const list = rules.get(rule) ?? [];
    const ref = sectionRef(page, s);
    const existing = list.find((r) => r.path === ref.path);
    if (existing) {
      if (!existing.via.includes(via)) existing.via.push(via);
    } else {
      list.push({ ...ref, via: [via] });
    }
    rules.set(rule, list);
  };
  for (const page of pages) for (const s of page.sections) for (const id of s.ruleLinks) add(id, page, s, 'link');
  const exampleRefs = new Map<string, SectionRef>();
  for (const ex of examples) {
    const page = byFile.get(ex.file);
    if (!page) continue;
    const s = sectionAt(page, ex.line);
    if (!s) continue;
    exampleRefs.set(ex.id, sectionRef(page, s));
    for (const r of ex.rules) add(r, page, s, 'example');
  }
  const order = new Map(pages.map((p, i) => [p.file, i]));
  const line = (r: SectionRef): number => {
    const p = byFile.get(r.file);
    return p?.sections.find((s) => s.anchor === r.anchor)?.startLine ?? 0;
  };
  for (const list of rules.values()) {
    list.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || line(a) - line(b));
    for (const r of list) r.via.sort();
  }
  return { rules, examples: exampleRefs };
}

/**
 * Rules the content must document. Core rules (`core.*`, the verifier's general machinery) are
 * exempt: their generated /rules/<id>/ pages, with the spec corpus's examples, are their
 * documentation. Every other rule needs at least one page section.
 */
export function requiresDocSection(ruleId: string): boolean {
  return !ruleId.startsWith('core.');
}

/** Non-core rule ids with no documenting section, sorted. */
export function undocumentedRules(ruleIds: Iterable<string>, index: DocIndex): string[] {
  return [...ruleIds].filter((id) => requiresDocSection(id) && (index.rules.get(id)?.length ?? 0) === 0).sort();
}

/** Throws (failing the site build) naming every non-core rule no page section documents. */
export function assertRulesDocumented(ruleIds: Iterable<string>, index: DocIndex): void {
  const missing = undocumentedRules(ruleIds, index);
  if (missing.length === 0) return;
  throw new Error(
    `bpfspec: ${missing.length} rule${missing.length === 1 ? ' has' : 's have'} no documenting page section: ${missing.join(', ')}. ` +
      `Link each from a section of a page under ${CONTENT_DIR}/ ("Rules for this section: [\`<id>\`](/rules/<id>/)") ` +
      'or put an <Example> citing it (__rule("<id>")) in one. Only core.* rules are exempt.',
  );
}
