// The Cite control in Chromium, on the built site: the button copies the review line with the
// page's absolute URL and says so; without the async clipboard API the textarea fallback copies
// the same line. Needs a built site (npm run build), like the other browser tests.
import { describe, expect, it } from 'vitest';
import { useSite, visit } from '../site/browser/harness.ts';

const RULE = 'ref.leak.exit';

describe('Cite control', () => {
  const site = useSite();

  it('copies "<id>: <statement> (Linux <release>, <status>) <absolute URL>" and confirms', async () => {
    const s = site();
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.origin });
    const page = await s.newPage();
    await visit(page, s, `/rules/${RULE}/`);
    const button = page.locator('main .bpfspec-cite button').first();
    const stored = await button.getAttribute('data-bpfspec-cite');
    expect(stored).toMatch(new RegExp(`^${RULE.replace(/\./g, '\\.')}: .+\\. \\(Linux [^,]+, (kernel-confirmed|model only)\\) /rules/${RULE.replace(/\./g, '\\.')}/$`));
    await button.click();
    const status = page.locator('main .bpfspec-cite-status').first();
    await expect.poll(() => status.textContent()).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${(stored ?? '').replace(/ \/rules\/.*$/, '')} ${s.origin}/rules/${RULE}/`);
    await page.close();
  });

  it('falls back to a hidden textarea when the clipboard API is missing', async () => {
    const s = site();
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.origin });
    const page = await s.newPage();
    // Hide the async clipboard API from the page's script, keep a handle for reading back.
    await page.addInitScript(() => {
      const clip = navigator.clipboard;
      (window as unknown as { __clip: Clipboard }).__clip = clip;
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
    });
    const example = 'kf.acquire.task-from-pid-leak';
    await visit(page, s, `/examples/${example}/`);
    await page.locator('main .bpfspec-cite button').first().click();
    const status = page.locator('main .bpfspec-cite-status').first();
    await expect.poll(() => status.textContent()).toBe('Copied');
    const copied = await page.evaluate(() => (window as unknown as { __clip: Clipboard }).__clip.readText());
    expect(copied).toMatch(new RegExp(`^${example.replace(/\./g, '\\.')}: .+ \\(Linux .+\\) ${s.origin}/examples/${example.replace(/\./g, '\\.')}/$`));
    await page.close();
  });
});
