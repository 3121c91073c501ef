// Starlight's search (Pagefind, indexed at build time and served from the site itself) finds a
// rule's page by the rule's id.
import { describe, expect, it } from 'vitest';
import { allRules } from '../../../src/messages/catalog.ts';
import { useSite, visit } from './harness.ts';

const RULE_IDS = ['ref.leak.exit', 'kfunc.release.unreferenced'];

describe('search', () => {
  const site = useSite();

  it('finds a rule page by its id', async () => {
    const known = new Set(allRules().map((r) => r.id));
    const id = RULE_IDS.find((r) => known.has(r));
    if (id === undefined) throw new Error(`none of ${RULE_IDS.join(', ')} is a rule any more: pick a current id from src/messages/`);
    const s = site();
    const page = await s.newPage();
    await visit(page, s, '/');
    await page.locator('site-search button[data-open-modal]').click();
    const input = page.locator('dialog .pagefind-ui__search-input');
    await input.waitFor({ state: 'visible' });
    await input.fill(id);
    const hit = page.locator(`dialog a.pagefind-ui__result-link[href$="/rules/${id}/"]`);
    await hit.first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await hit.first().innerText()).toContain(id);
    await hit.first().click();
    await page.waitForURL(`**/rules/${id}/`);
    expect(await page.locator('h1').first().innerText()).toBe(id);
    // the index and its fragments came from this site
    expect(s.watch.requests.some((u) => new URL(u).pathname.startsWith('/pagefind/'))).toBe(true);
    await page.close();
  });
});
