// Debian's Chromium driven by playwright-core, for the browser tests (test/site/browser/) and
// `npm run bench`. Never downloads a browser: it uses /usr/bin/chromium (or $BPFSPEC_CHROMIUM).
// A watched browser context records every console error, uncaught page error and request that
// leaves the site's origin, so callers can fail on any of them.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.BPFSPEC_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser cannot start here, with the fix; null when it can. */
export function chromiumProblem(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return `${CHROMIUM} not found: the browser tests use Debian's Chromium; install it with \`sudo apt-get install -y chromium\` (or set BPFSPEC_CHROMIUM to a Chromium binary)`;
}

export async function launchChromium(): Promise<Browser> {
  const problem = chromiumProblem();
  if (problem) throw new Error(problem);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export interface Watch {
  /** Console messages of type "error" and uncaught errors, each with the page URL. */
  errors: string[];
  /** Every requested URL that is not on the site's origin (data: and blob: URLs never leave the browser). */
  foreign: string[];
  /** Every requested URL. */
  requests: string[];
}

/** A fresh context whose pages are watched; `origin` is the site's (e.g. http://127.0.0.1:4321). */
export async function watchedContext(browser: Browser, origin: string): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const watch: Watch = { errors: [], foreign: [], requests: [] };
  context.on('request', (req) => {
    const url = req.url();
    watch.requests.push(url);
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) watch.foreign.push(url);
  });
  context.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const at = msg.location().url;
    watch.errors.push(`${msg.page()?.url() ?? '(worker)'}: console error: ${msg.text()}${at ? ` (${at})` : ''}`);
  });
  context.on('weberror', (err) => watch.errors.push(`${err.page()?.url() ?? '(no page)'}: uncaught ${err.error().message}`));
  return { context, watch };
}
