import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SITE_DATA_PATH,
  SITE_DATA_ENV,
  SiteDataError,
  getExample,
  loadSiteData,
  lookupExample,
  parseSiteData,
  siteDataPath,
} from '../src/site/results.ts';

const fixture = resolve(import.meta.dirname, 'fixtures/site-data.sample.json');

describe('siteDataPath', () => {
  it('defaults to .bpfspec/site-data.json under the root', () => {
    expect(siteDataPath({}, '/proj')).toBe(resolve('/proj', DEFAULT_SITE_DATA_PATH));
  });
  it('honours BPFSPEC_SITE_DATA, relative to the root or absolute', () => {
    expect(siteDataPath({ [SITE_DATA_ENV]: 'test/x.json' }, '/proj')).toBe(resolve('/proj/test/x.json'));
    expect(siteDataPath({ [SITE_DATA_ENV]: '/abs/x.json' }, '/proj')).toBe('/abs/x.json');
    expect(siteDataPath({ [SITE_DATA_ENV]: '' }, '/proj')).toBe(resolve('/proj', DEFAULT_SITE_DATA_PATH));
  });
});

describe('loadSiteData + lookupExample', () => {
  it('finds an example in the sample fixture', () => {
    const data = loadSiteData(fixture);
    expect(data.profile).toBe('v6.18');
    const ex = lookupExample(data, 'core.exit.r0-not-set', 'content/docs/index.mdx (/)', fixture);
    expect(ex.expected.verdict).toBe('reject');
    expect(ex.actual.error).toBe('R0 !read_ok');
    expect(ex.agrees).toBe(true);
    expect(ex.rules).toContain('core.exit.r0-initialized');
  });

  it('throws a SiteDataError naming the id, the page and the file for a missing id', () => {
    const data = loadSiteData(fixture);
    const call = () => lookupExample(data, 'core.no.such-example', 'content/docs/kfuncs.mdx (/kfuncs/)', 'site.json');
    expect(call).toThrow(SiteDataError);
    expect(call).toThrow(/example id "core\.no\.such-example"/);
    expect(call).toThrow(/content\/docs\/kfuncs\.mdx \(\/kfuncs\/\)/);
    expect(call).toThrow(/site\.json/);
  });

  it('does not resolve ids through the prototype chain', () => {
    const data = loadSiteData(fixture);
    expect(() => lookupExample(data, 'toString', '/', 'site.json')).toThrow(SiteDataError);
  });

  it('getExample reads the file and fails for an id removed from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfspec-site-'));
    const path = join(dir, 'site-data.json');
    const data = JSON.parse(readFileSync(fixture, 'utf8')) as { examples: Record<string, unknown> };
    expect(getExample('core.exit.r0-set', '/', fixture).expected.retval).toBe(0);
    delete data.examples['core.exit.r0-not-set'];
    writeFileSync(path, JSON.stringify(data));
    expect(() => getExample('core.exit.r0-not-set', 'content/docs/index.mdx (/)', path)).toThrow(
      /example id "core\.exit\.r0-not-set" used on page content\/docs\/index\.mdx \(\/\) has no result/,
    );
  });

  it('reports a missing results file with how to generate it', () => {
    expect(() => loadSiteData('/nonexistent/site-data.json')).toThrow(/not found.*--site-data/s);
  });
});

describe('parseSiteData', () => {
  it('rejects invalid JSON and schema violations with the file name', () => {
    expect(() => parseSiteData('{', 'a.json')).toThrow(/a\.json is not valid JSON/);
    expect(() => parseSiteData('[]', 'a.json')).toThrow(/a\.json does not match/);
    const good = JSON.parse(readFileSync(fixture, 'utf8')) as {
      examples: Record<string, { actual: { verdict: string }; id: string }>;
    };
    const ex = good.examples['core.exit.r0-set'];
    if (ex === undefined) throw new Error('fixture lost core.exit.r0-set');
    ex.actual.verdict = 'maybe';
    expect(() => parseSiteData(JSON.stringify(good), 'b.json')).toThrow(
      /examples\["core\.exit\.r0-set"\]\.actual\.verdict/,
    );
    ex.actual.verdict = 'accept';
    ex.id = 'other';
    expect(() => parseSiteData(JSON.stringify(good), 'b.json')).toThrow(/\.id is "other"/);
  });
});
