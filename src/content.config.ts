/// <reference types="astro/client" />
// Content collections for the site.
//
// Pages live in the top-level content/docs/ directory, not Starlight's default src/content/docs/.
// Starlight 0.42's docsLoader() takes no `base` option: it always globs `<srcDir>/content/docs`
// (see @astrojs/starlight/dist/utils/collection.js). So the `docs` collection uses Astro's own
// glob() loader, with the same file pattern as docsLoader() (Markdown/MDX, skipping `_`-prefixed
// files), plus Starlight's docsSchema() for the frontmatter. astro.config.mjs adds content/docs to
// Starlight's `markdown.processedDirs` so its Markdown features (heading links, asides) apply.
//
// Known consequence: Starlight computes a page's path "relative to the collection" by stripping
// `src/content/docs/` from entry.filePath, which never matches here. For sidebar
// `autogenerate: { directory }` give the directory from the project root, e.g.
// `{ autogenerate: { directory: 'content/docs/rules' } }`. Page URLs (entry ids) are unaffected:
// glob() makes them relative to `base`, so content/docs/rules/x.mdx is served at /rules/x/.
//
// The triple-slash reference lets `tsc` (npm run typecheck) resolve the virtual module
// 'astro:content' without the .astro/ types that `astro sync` generates.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema } from '@astrojs/starlight/schema';

export const collections = {
  docs: defineCollection({
    loader: glob({
      base: './content/docs',
      pattern: '**/[^_]*.{markdown,mdown,mkdn,mkd,mdwn,md,mdx}',
    }),
    schema: docsSchema(),
  }),
};
