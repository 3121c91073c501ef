// Content sections: heading anchors as the built site has them, page URLs, rule links, the rule →
// section index and the "every non-core rule is documented" check, on a fixture page and on the
// real content pages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeadingSlugger, githubSlug, headingText } from '../../src/site/export/slug.ts';
import { assertRulesDocumented, buildDocIndex, pagePathFor, parseDocPage, requiresDocSection, undocumentedRules } from '../../src/site/export/docs.ts';
import { contentFiles, loadDocPages } from '../../src/site/export/context.ts';
import { examplesFromMdx } from '../../src/spec/collect.ts';
import { allRules } from '../../src/messages/catalog.ts';
import { PAGE_FILE, PAGE_TEXT, lineOf } from './fixture.ts';

describe('heading anchors', () => {
  // Each pair was read off the built site (dist/kfuncs/*/index.html) when this module was written.
  it.each([
    ['An acquired reference must be released', 'an-acquired-reference-must-be-released'],
    ['A reference stored in a map is no longer the program’s', 'a-reference-stored-in-a-map-is-no-longer-the-programs'],
    ['An acquire kfunc without KF_RET_NULL', 'an-acquire-kfunc-without-kf_ret_null'],
    ['The `__ign` parameter in Linux 6.18', 'the-__ign-parameter-in-linux-618'],
    ['4. The result must be released — except on the NULL path', '4-the-result-must-be-released--except-on-the-null-path'],
    ['The result of a KF_RCU|KF_ACQUIRE kfunc is a reference', 'the-result-of-a-kf_rcukf_acquire-kfunc-is-a-reference'],
    ["Non-pointer results: the iterator's `_next`", 'non-pointer-results-the-iterators-_next'],
    ['tp_btf arguments', 'tp_btf-arguments'],
  ])('%s → #%s', (heading, slug) => {
    expect(githubSlug(headingText(heading))).toBe(slug);
  });

  it('numbers repeated headings like github-slugger', () => {
    const s = new HeadingSlugger();
    expect(['Trusted', 'Trusted', 'Trusted-1', 'Trusted'].map((h) => s.slug(h))).toEqual(['trusted', 'trusted-1', 'trusted-1-1', 'trusted-2']);
  });

  it('takes the text content of inline Markdown', () => {
    expect(headingText('See [the `x` page](/x/) and **bold** _it_ \\*')).toBe('See the x page and bold it *');
    expect(headingText('KF_RET_NULL and snake_case_name')).toBe('KF_RET_NULL and snake_case_name');
  });
});

describe('pagePathFor', () => {
  it('routes content files like the docs collection', () => {
    expect(pagePathFor('content/docs/index.mdx')).toBe('/');
    expect(pagePathFor('content/docs/kfuncs/index.mdx')).toBe('/kfuncs/');
    expect(pagePathFor('content/docs/kfuncs/kf-acquire.mdx')).toBe('/kfuncs/kf-acquire/');
    expect(() => pagePathFor('specs/core/x.s')).toThrow(/not under content\/docs/);
  });
});

describe('parseDocPage', () => {
  const page = parseDocPage(PAGE_FILE, PAGE_TEXT);

  it('reads the title and splits the page into an introduction and heading sections', () => {
    expect(page.title).toBe('KF_DEMO');
    expect(page.path).toBe('/kfuncs/kf-demo/');
    expect(page.sections.map((s) => [s.heading, s.depth, s.anchor])).toEqual([
      [null, 0, null],
      ['Leaks: the KF_ACQUIRE part', 2, 'leaks-the-kf_acquire-part'],
      ['Leaks: the KF_ACQUIRE part', 2, 'leaks-the-kf_acquire-part-1'],
      ['4. Release — except on NULL', 3, '4-release--except-on-null'],
    ]);
  });

  it('collects rule links per section, ignoring fenced code', () => {
    expect(page.sections.map((s) => s.ruleLinks)).toEqual([['rcu.lock.nested'], ['ref.leak.exit'], [], []]);
  });

  it('covers every line with exactly one section', () => {
    const lines = PAGE_TEXT.split('\n').length;
    for (let l = 1; l <= lines; l++) expect(page.sections.filter((s) => s.startLine <= l && l <= s.endLine)).toHaveLength(1);
  });
});

describe('buildDocIndex', () => {
  const page = parseDocPage(PAGE_FILE, PAGE_TEXT);
  const examples = [
    { id: 'demo.leak', file: PAGE_FILE, line: lineOf('demo_leak:'), rules: ['ref.leak.exit'] },
    { id: 'demo.release', file: PAGE_FILE, line: lineOf('demo_release:'), rules: ['kfunc.arg.possibly-null'] },
    { id: 'spec.only', file: 'specs/core/x.s', line: 3, rules: ['core.reg.read-uninit'] },
  ];
  const index = buildDocIndex([page], examples);

  it('maps rules to sections through links and through the examples they hold', () => {
    expect(index.rules.get('ref.leak.exit')).toEqual([
      expect.objectContaining({ path: '/kfuncs/kf-demo/#leaks-the-kf_acquire-part', heading: 'Leaks: the KF_ACQUIRE part', via: ['example', 'link'] }),
    ]);
    expect(index.rules.get('rcu.lock.nested')).toEqual([expect.objectContaining({ path: '/kfuncs/kf-demo/', heading: null, via: ['link'] })]);
    expect(index.rules.get('kfunc.arg.possibly-null')?.map((r) => r.path)).toEqual(['/kfuncs/kf-demo/#4-release--except-on-null']);
  });

  it('places content examples in their section, and spec examples nowhere', () => {
    expect(index.examples.get('demo.leak')?.path).toBe('/kfuncs/kf-demo/#leaks-the-kf_acquire-part');
    expect(index.examples.get('demo.release')?.pageTitle).toBe('KF_DEMO');
    expect(index.examples.has('spec.only')).toBe(false);
  });

  it('fails naming the non-core rules no section documents; core rules are exempt', () => {
    const ids = ['ref.leak.exit', 'core.reg.read-uninit', 'btf.trust.legacy-walk', 'iter.demo.missing'];
    expect(requiresDocSection('core.reg.read-uninit')).toBe(false);
    expect(requiresDocSection('rcu.sleepable-helper-in-cs')).toBe(true);
    expect(undocumentedRules(ids, index)).toEqual(['btf.trust.legacy-walk', 'iter.demo.missing']);
    expect(() => assertRulesDocumented(ids, index)).toThrow(/2 rules have no documenting page section: btf\.trust\.legacy-walk, iter\.demo\.missing/);
    expect(() => assertRulesDocumented(['ref.leak.exit', 'core.reg.read-uninit'], index)).not.toThrow();
  });
});

describe('the real content pages', () => {
  const pages = loadDocPages();
  const ruleIds = new Set(allRules().map((r) => r.id));

  it('are all found, each with a title', () => {
    expect(contentFiles()).toContain('content/docs/kfuncs/kf-acquire.mdx');
    for (const p of pages) expect(p.title, p.file).not.toBe('');
  });

  it('link only rules that exist', () => {
    const broken = pages.flatMap((p) => p.sections.flatMap((s) => s.ruleLinks.filter((id) => !ruleIds.has(id)).map((id) => `${p.file}: /rules/${id}/`)));
    expect(broken).toEqual([]);
  });

  it('document every non-core rule of the catalogue in some section', () => {
    const examples = pages.flatMap((p) => examplesFromMdx(p.file, readFileSync(p.file, 'utf8')));
    const index = buildDocIndex(pages, examples);
    expect(undocumentedRules(ruleIds, index)).toEqual([]);
  });
});
