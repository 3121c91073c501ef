// Every page reachable from the sidebar renders in Chromium: status 200, one non-empty h1, no
// console errors, no request to another origin (checked by the harness after each test).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { builtPages } from '../../../scripts/serve-dist.ts';
import { DIST, useSite, visit, type Site } from './harness.ts';

/** Same-origin page paths linked from `selector` on the current page, in order, without duplicates. */
async function linkedPaths(page: Page, site: Site, selector: string): Promise<string[]> {
  const hrefs = await page.locator(selector).evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  const paths = hrefs.map((h) => new URL(h)).filter((u) => u.origin === site.origin).map((u) => u.pathname);
  return [...new Set(paths)];
}

async function expectRendered(page: Page, site: Site, path: string): Promise<void> {
  await visit(page, site, path);
  const h1 = page.locator('main h1, h1#_top');
  expect(await h1.count(), `h1 on ${path}`).toBeGreaterThan(0);
  expect((await h1.first().innerText()).trim(), `h1 text on ${path}`).not.toBe('');
  expect(await page.title(), `title of ${path}`).not.toMatch(/404|not found/i);
}

describe('site pages', () => {
  const site = useSite();

  it('renders every sidebar page', async () => {
    const s = site();
    const page = await s.newPage();
    await visit(page, s, '/');
    const paths = await linkedPaths(page, s, 'nav.sidebar a[href]');
    // the sections the site promises: introduction, rules, playground, the kfunc flag pages
    expect(paths).toEqual(expect.arrayContaining(['/', '/rules/', '/playground/', '/kfuncs/', '/kfuncs/kf-release/']));
    for (const path of paths) await expectRendered(page, s, path);
    await page.close();
  });

  it('serves every built page with a title heading', async () => {
    const s = site();
    const pages = builtPages(DIST);
    expect(pages).toEqual(expect.arrayContaining(['/', '/rules/', '/playground/']));
    for (const path of pages) {
      const res = await fetch(s.url(path));
      expect(res.status, path).toBe(200);
      const h1 = /<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(await res.text());
      expect(h1?.[1]?.replace(/<[^>]*>/g, '').trim(), `h1 of ${path}`).toBeTruthy();
    }
  });

  it('renders a spread of rule pages in the browser, each titled with its id', async () => {
    const s = site();
    const page = await s.newPage();
    await visit(page, s, '/rules/');
    const rules = (await linkedPaths(page, s, 'main a[href^="/rules/"]')).filter((p) => p !== '/rules/');
    expect(rules.length).toBeGreaterThan(50);
    // every 8th, plus the last: the whole set is covered over HTTP above and by `npm run bench`
    const sample = [...rules.filter((_, i) => i % 8 === 0), rules[rules.length - 1] ?? ''];
    for (const path of sample) {
      await expectRendered(page, s, path);
      expect(await page.locator('h1').first().innerText()).toBe(decodeURIComponent(path.split('/')[2] ?? ''));
    }
    await page.close();
  });

  it('answers an unknown path with the 404 page', async () => {
    const s = site();
    const page = await s.newPage();
    const res = await page.goto(s.url('/no/such/page/'));
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').first().innerText()).toMatch(/404/);
    // the 404 console message is the expected outcome here, not a page fault
    s.watch.errors.splice(0, s.watch.errors.length, ...s.watch.errors.filter((e) => !e.includes('status of 404')));
    await page.close();
  });

  it('switches to dark mode and keeps it across pages', async () => {
    const s = site();
    const page = await s.newPage();
    await visit(page, s, '/');
    const select = page.locator('starlight-theme-select select').first();
    await select.selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await visit(page, s, '/rules/');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await select.selectOption('light');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.close();
  });
});
