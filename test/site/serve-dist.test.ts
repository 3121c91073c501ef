// The static server the browser tests and the bench use (scripts/serve-dist.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPages, serveDir, type StaticServer } from '../../scripts/serve-dist.ts';

/** A raw GET, so paths such as /../x reach the server unnormalised. */
function get(origin: string, path: string, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((ok, fail) => {
    const u = new URL(origin);
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('serve-dist', () => {
  let root: string;
  let outside: string;
  let server: StaticServer;

  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'bpfspec-serve-'));
    root = join(base, 'site');
    outside = join(base, 'secret.txt');
    mkdirSync(join(root, 'rules', 'a.b'), { recursive: true });
    mkdirSync(join(root, '_astro'));
    writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
    writeFileSync(join(root, '404.html'), '<h1>404</h1>');
    writeFileSync(join(root, 'rules', 'a.b', 'index.html'), '<h1>a.b</h1>');
    writeFileSync(join(root, '_astro', 'x.js'), 'export {};');
    writeFileSync(outside, 'do not serve');
    server = await serveDir(root);
  });
  afterAll(async () => {
    await server.close();
    rmSync(join(root, '..'), { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 at a free port', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves directory pages, files with their types, and redirects a directory without a slash', async () => {
    expect(await get(server.origin, '/')).toMatchObject({ status: 200, body: '<h1>home</h1>' });
    const rule = await get(server.origin, '/rules/a.b/');
    expect(rule).toMatchObject({ status: 200, body: '<h1>a.b</h1>' });
    expect(rule.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get(server.origin, '/_astro/x.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const redirect = await get(server.origin, '/rules/a.b');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/rules/a.b/');
  });

  it('answers unknown paths with 404.html, and never serves files outside the directory', async () => {
    expect(await get(server.origin, '/nope/')).toMatchObject({ status: 404, body: '<h1>404</h1>' });
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/rules/../../secret.txt', '/%00']) {
      const r = await get(server.origin, p);
      expect(r.body, p).not.toContain('do not serve');
      expect(r.status, p).toBe(404);
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    expect(await get(server.origin, '/', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect((await get(server.origin, '/', 'POST')).status).toBe(405);
  });

  it('records the paths requested and lists the built pages', () => {
    expect(server.requests).toContain('/rules/a.b/');
    expect(builtPages(root)).toEqual(['/', '/rules/a.b/']);
  });
});
