// Shared set-up of the browser tests: the built site (dist/, or $BPFSPEC_DIST) served on
// 127.0.0.1 at a random port, Debian's Chromium through playwright-core, and a watch on every
// page for console errors, uncaught errors and requests to other origins (checked after each test).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DIST_DIR, serveDir, type StaticServer } from '../../../scripts/serve-dist.ts';
import { launchChromium, watchedContext, type Watch } from '../../../scripts/site-browser.ts';

export const DIST = resolve(process.env.BPFSPEC_DIST ?? DIST_DIR);

/** Why the browser tests cannot run, with what to do; null when they can. */
export function distProblem(): string | null {
  if (existsSync(join(DIST, 'index.html')) && existsSync(join(DIST, 'playground', 'index.html'))) return null;
  return `${DIST} has no built site (index.html, playground/index.html): run \`npm run build\` first (the browser tests check the built site)`;
}

export interface Site {
  origin: string;
  server: StaticServer;
  browser: Browser;
  context: BrowserContext;
  watch: Watch;
  /** Absolute URL of a site path. */
  url(path: string): string;
  newPage(): Promise<Page>;
}

/**
 * Start the server and the browser for one test file; after each test, fail on console errors
 * and on requests that left the site's origin. Use the returned getter inside tests.
 */
export function useSite(): () => Site {
  let site: Site | null = null;
  let server: StaticServer | null = null;
  let browser: Browser | null = null;
  beforeAll(async () => {
    const problem = distProblem();
    if (problem) throw new Error(problem);
    server = await serveDir(DIST);
    browser = await launchChromium();
    const { context, watch } = await watchedContext(browser, server.origin);
    const origin = server.origin;
    site = { origin, server, browser, context, watch, url: (path) => `${origin}${path}`, newPage: () => context.newPage() };
  });
  afterEach(() => {
    if (!site) return;
    const { errors, foreign } = site.watch;
    const found = { consoleErrors: [...errors], otherOrigins: [...foreign] };
    errors.length = 0;
    foreign.length = 0;
    site.watch.requests.length = 0;
    expect(found).toEqual({ consoleErrors: [], otherOrigins: [] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return () => {
    if (!site) throw new Error('the site is not up (see the beforeAll error)');
    return site;
  };
}

/** Open `path` and wait for the page to settle; fails on a non-200 answer. */
export async function visit(page: Page, site: Site, path: string): Promise<void> {
  const res = await page.goto(site.url(path), { waitUntil: 'load' });
  expect(res?.status(), `status of ${path}`).toBe(200);
}

// ---- the playground ----

/** Wait until the playground shows the answer to a run after `afterRun` (the data-run counter). */
export async function waitForRun(page: Page, afterRun: number, state = 'done', timeout = 30_000): Promise<number> {
  const handle = await page.waitForFunction(
    (after) => {
      const root = document.getElementById('bpfspec-playground');
      const run = Number(root?.dataset.run ?? '0');
      return run > after && root?.dataset.state !== 'running' ? { run, state: root?.dataset.state ?? '' } : null;
    },
    afterRun,
    { timeout },
  );
  const got = (await handle.jsonValue()) as { run: number; state: string };
  expect(got.state, 'playground state').toBe(state);
  return got.run;
}

export async function currentRun(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('bpfspec-playground')?.dataset.run ?? '0'));
}

/** Replace the editor's whole text the way a person would: select all, then type/paste. */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.locator('#bpfspec-playground .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(text);
}

/** The editor's text as displayed (one .cm-line per line). */
export async function editorText(page: Page): Promise<string> {
  return page.locator('#bpfspec-playground .cm-line').evaluateAll((lines) => lines.map((l) => l.textContent ?? '').join('\n'));
}
