// A tiny static file server for the built site, for the browser tests and `npm run bench`.
// Listens on 127.0.0.1 only (a random free port by default) and serves files like a plain static
// host would: `/dir/` is `/dir/index.html`, `/dir` redirects to `/dir/`, unknown paths get
// dist/404.html with status 404. It never serves anything outside the directory.
//
//   node scripts/serve-dist.ts [DIR] [--port N]     (DIR defaults to dist/)
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  /** Origin of the server, e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string;
  /** Paths requested so far, in order (for tests that check what a page loaded). */
  requests: string[];
  close(): Promise<void>;
}

/** Default directory served: the project's dist/. */
export const DIST_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist');

/** URL paths of every page in a built site (`x/index.html` is `/x/`), sorted; 404.html is not a page. */
export function builtPages(dir: string = DIST_DIR): string[] {
  const root = resolve(dir);
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'index.html') out.push(`/${relative(root, d).split(sep).join('/')}/`.replace(/^\/\/$/, '/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Resolve a URL path inside `root`; null when it would leave it. */
function fileFor(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/** Serve `dir` on 127.0.0.1:`port` (0: any free port). */
export function serveDir(dir: string = DIST_DIR, port = 0): Promise<StaticServer> {
  const root = resolve(dir);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const send = (file: string, status: number): void => {
      const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(status, { 'content-type': type, 'content-length': statSync(file).size, 'cache-control': 'no-cache' });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    };
    let file = fileFor(root, url.pathname);
    if (file !== null && existsSync(file) && statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    if (file !== null && existsSync(file) && statSync(file).isFile()) {
      send(file, 200);
      return;
    }
    const notFound = join(root, '404.html');
    if (existsSync(notFound)) send(notFound, 404);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') {
        fail(new Error('static server: no TCP address'));
        return;
      }
      ok({
        origin: `http://127.0.0.1:${addr.port}`,
        requests,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 0;
  const dir = args.find((a, i) => !a.startsWith('--') && (portAt < 0 || i !== portAt + 1)) ?? DIST_DIR;
  if (!existsSync(dir)) {
    console.error(`${dir} does not exist: run \`npm run build\` first`);
    process.exit(1);
  }
  const s = await serveDir(dir, port);
  console.log(`serving ${resolve(dir)} at ${s.origin}/ (Ctrl-C to stop)`);
}
