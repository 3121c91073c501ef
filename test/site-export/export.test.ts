// rules.json, llms.txt, coverage and cite lines, built from the fixture results and page.
import { describe, expect, it } from 'vitest';
import { buildRulesJson, validateRulesJson, RULES_JSON_SCHEMA } from '../../src/site/export/rules-json.ts';
import { buildLlmsTxt } from '../../src/site/export/llms.ts';
import { buildCoverage } from '../../src/site/export/coverage.ts';
import { citationLine, exampleCitation, ruleCitation } from '../../src/site/export/cite.ts';
import { exampleConfirmation, ruleInvolvement, profileKernelName } from '../../src/site/export/model.ts';
import { assertUrlSafeId, basePrefix, sitePrefix } from '../../src/site/export/urls.ts';
import { model, siteData } from './fixture.ts';

const PREFIXES = ['', '/docs', 'https://bpfspec.example.org', 'https://example.org/sub'];

describe('URLs', () => {
  it('turns base and site into a prefix without a trailing slash', () => {
    expect(basePrefix('/')).toBe('');
    expect(basePrefix('/docs/')).toBe('/docs');
    expect(sitePrefix('/', undefined)).toBe('');
    expect(sitePrefix('/', new URL('https://example.org'))).toBe('https://example.org');
    expect(sitePrefix('/sub/', 'https://example.org/ignored/')).toBe('https://example.org/sub');
  });

  it('refuses ids that are not a plain path segment', () => {
    expect(assertUrlSafeId('rule', 'ref.leak.exit')).toBe('ref.leak.exit');
    for (const bad of ['', '..', 'a/b', 'a b', 'é', '-x?']) expect(() => assertUrlSafeId('rule', bad)).toThrow(/cannot be used in a URL/);
  });
});

describe('rules.json', () => {
  const m = model();

  it.each(PREFIXES)('passes its schema check with prefix "%s"', (prefix) => {
    const json = buildRulesJson(m, prefix);
    expect(validateRulesJson(json, prefix)).toEqual([]);
    // and survives serialisation unchanged
    expect(validateRulesJson(JSON.parse(JSON.stringify(json)), prefix)).toEqual([]);
  });

  it('has every rule and, under each rule, every example citing it', () => {
    const json = buildRulesJson(m, '');
    const data = siteData();
    expect(json.schema).toBe(RULES_JSON_SCHEMA);
    expect(json.rules.map((r) => r.id).sort()).toEqual(Object.keys(data.rules).sort());
    for (const r of json.rules) expect(r.examples.map((e) => e.id)).toEqual(data.rules[r.id]?.examples);
    const cited = new Set(json.rules.flatMap((r) => r.examples.map((e) => e.id)));
    const citing = Object.values(data.examples).filter((e) => e.rules.length > 0).map((e) => e.id);
    expect([...cited].sort()).toEqual(citing.sort());
  });

  it('records facts per rule: messages, kfuncs, flags, range, sections, confirmation', () => {
    const json = buildRulesJson(m, 'https://x.org');
    const leak = json.rules.find((r) => r.id === 'ref.leak.exit');
    expect(leak).toMatchObject({
      url: 'https://x.org/rules/ref.leak.exit/',
      messages: ['<where> would lead to reference leak'],
      kernelFn: 'check_resource_leak',
      kfuncs: ['bpf_task_from_pid'],
      flags: ['KF_ACQUIRE', 'KF_RET_NULL'],
      kernelRange: { since: null, profiles: ['bpf-next', 'v6.18'], confirmedOn: ['6.18.44-test'] },
      documentedIn: [{ page: 'KF_DEMO', section: 'Leaks: the KF_ACQUIRE part', url: 'https://x.org/kfuncs/kf-demo/#leaks-the-kf_acquire-part' }],
      confirmation: { status: 'kernel-confirmed', confirmedExamples: 1, modelOnlyExamples: 0 },
    });
    expect(leak?.examples[0]).toEqual({
      id: 'demo.leak',
      url: 'https://x.org/examples/demo.leak/',
      expected: { verdict: 'reject', msgs: ['would lead to reference leak'] },
      actual: { verdict: 'reject', error: 'BPF_EXIT instruction in main prog would lead to reference leak', message: 'https://x.org/messages/would-lead-to-reference-leak/' },
      agrees: true,
      confirmedOn: '6.18.44-test',
    });
    const nullArg = json.rules.find((r) => r.id === 'kfunc.arg.possibly-null');
    // the statement names its flag: the flags of the kfuncs its examples call are not added
    expect(nullArg?.kfuncs).toEqual(['bpf_task_from_pid']);
    expect(nullArg?.flags).toEqual(['KF_TRUSTED_ARGS']);
    expect(nullArg?.confirmation.status).toBe('model-only');
    expect(nullArg?.examples[0]?.modelOnlyReason).toBe("documents bpf-next behaviour, not Linux 6.18's");
    const walk = json.rules.find((r) => r.id === 'btf.trust.legacy-walk');
    expect(walk).toMatchObject({ messages: [], examples: [], kernelRange: { profiles: ['v6.18'], confirmedOn: [] } });
    expect(json.kernel).toBe('6.18.44-test');
    expect(json.profile).toEqual({ name: 'v6.18', kernel: 'Linux 6.18' });
  });

  it('reports what is wrong with a broken export', () => {
    const good = buildRulesJson(m, '');
    type Loose = Record<string, unknown> & { examples: Record<string, unknown>[] };
    const broken = JSON.parse(JSON.stringify(good)) as { rules: Loose[] };
    const leak = broken.rules.find((r) => r.id === 'ref.leak.exit');
    if (!leak) throw new Error('fixture: ref.leak.exit missing');
    leak.url = '/rule/ref.leak.exit/';
    leak.flags = ['ACQUIRE'];
    delete leak.examples[0]?.confirmedOn;
    broken.rules.push({ ...broken.rules[0] });
    const problems = validateRulesJson(broken, '');
    expect(problems).toEqual(
      expect.arrayContaining([
        'rules["ref.leak.exit"]: url must be /rules/ref.leak.exit/',
        'rules["ref.leak.exit"]: flags must be KF_* names',
        'rules["ref.leak.exit"].examples[0]: needs exactly one of confirmedOn and modelOnlyReason',
        'rules["ref.leak.exit"]: confirmation counts do not match its examples',
        `rules["${String(broken.rules[0]?.id)}"]: duplicate id`,
      ]),
    );
    expect(validateRulesJson(good, 'https://elsewhere.org')).not.toEqual([]);
    expect(validateRulesJson([], '')).toEqual(['top level must be an object']);
  });
});

describe('llms.txt', () => {
  const json = buildRulesJson(model(), '');
  const text = buildLlmsTxt(json, { prefix: '', exampleCount: 5, confirmedCount: 2 });
  const lines = text.split('\n');

  it('follows the llms.txt layout: H1, summary blockquote, H2 link lists', () => {
    expect(lines[0]).toBe('# bpfspec');
    expect(lines[2]).toMatch(/^> .*5 rules.*5 example programs.*2 of them confirmed .*Linux 6\.18\.44-test\.$/);
    expect(lines).toContain('## Data');
    expect(text).toContain('- [rules.json](/rules.json): ');
    for (const l of lines.filter((x) => x.startsWith('- '))) expect(l).toMatch(/^- \[[^\]]+\]\(\/[^)\s]*\)(: .+)?$/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('links every rule with its statement and confirmation; core rules go under Optional', () => {
    for (const r of json.rules) expect(text).toContain(`- [${r.id}](/rules/${r.id}/): `);
    expect(text).toContain('- [ref.leak.exit](/rules/ref.leak.exit/): Every acquired reference must be released before the main program exits. (kernel-confirmed)');
    expect(text).toContain('(model only)');
    expect(text.indexOf('## Optional')).toBeLessThan(text.indexOf('[core.reg.read-uninit]'));
    expect(text.indexOf('## Optional')).toBeGreaterThan(text.indexOf('[ref.leak.exit]'));
  });
});

describe('coverage', () => {
  it('counts examples per rule and each example once in the totals', () => {
    const cov = buildCoverage(siteData());
    expect(cov.rows.find((r) => r.id === 'core.reg.read-uninit')).toMatchObject({ accepting: 1, rejecting: 1, confirmed: 1, modelOnly: 1, total: 2 });
    expect(cov.totals).toEqual({ accepting: 1, rejecting: 3, confirmed: 2, modelOnly: 2, total: 4 });
    expect(cov.all.total).toBe(5);
    expect(cov.uncited).toEqual(['uncited.ok']);
    expect(cov.rulesWithoutExamples).toEqual(['btf.trust.legacy-walk', 'rcu.lock.nested']);
    expect(cov.rulesWithoutConfirmation).toEqual(['kfunc.arg.possibly-null']);
  });
});

describe('cite', () => {
  const data = siteData();

  it('cites a rule: id, one sentence, kernel, status, URL', () => {
    expect(citationLine(ruleCitation(data, 'ref.leak.exit'), 'https://x.org')).toBe(
      'ref.leak.exit: Every acquired reference must be released before the main program exits. (Linux 6.18.44-test, kernel-confirmed) https://x.org/rules/ref.leak.exit/',
    );
    // a statement without a full stop gets one; a rule with no confirmed example is "model only"
    expect(citationLine(ruleCitation(data, 'rcu.lock.nested'), '')).toBe(
      'rcu.lock.nested: bpf_rcu_read_lock() may not be called inside an RCU read-side section. (Linux 6.18, model only) /rules/rcu.lock.nested/',
    );
  });

  it('cites an example by its description, else its documented outcome', () => {
    expect(citationLine(exampleCitation(data, 'demo.leak'), '')).toBe(
      'demo.leak: the reference is still held at exit. (Linux 6.18.44-test, kernel-confirmed) /examples/demo.leak/',
    );
    expect(citationLine(exampleCitation(data, 'core.r0'), '')).toBe(
      'core.r0: The verifier rejects this program with "R0 !read_ok". (Linux 6.18.44-test, kernel-confirmed) /examples/core.r0/',
    );
    expect(citationLine(exampleCitation(data, 'demo.release'), '')).toMatch(/\(bpf-next, model only\) \/examples\/demo\.release\/$/);
  });

  it('refuses unknown ids', () => {
    expect(() => ruleCitation(data, 'no.such.rule')).toThrow(/no such rule/);
    expect(() => exampleCitation(data, 'toString')).toThrow(/no such example/);
  });
});

describe('confirmation and involvement', () => {
  const data = siteData();
  it('explains why an example is model only', () => {
    expect(exampleConfirmation(data.examples['core.ok'], 'v6.18')).toMatchObject({ status: 'model-only', modelOnlyReason: 'bpf_demo is not in Linux 6.18', kernelLabel: 'Linux 6.18' });
    expect(exampleConfirmation(data.examples['core.r0'], 'v6.18')).toMatchObject({ status: 'kernel-confirmed', modelOnlyReason: null });
    expect(profileKernelName('bpf-next')).toBe('bpf-next');
  });

  it('finds kfuncs in the statement and in the examples', () => {
    const m = model();
    expect(ruleInvolvement(m, data.rules['rcu.lock.nested'])).toEqual({ kfuncs: ['bpf_rcu_read_lock'], flags: [] });
  });
});
