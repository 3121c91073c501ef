// Astro + Starlight configuration for the bpfspec site.
//
// Content is in content/docs/ (see src/content.config.ts for why the collection uses glob()).
// Example outcomes are NOT computed here: `bpfspec check --site-data .bpfspec/site-data.json`
// writes them before `astro build`, and src/site/components/Example.astro renders them
// (override the file with BPFSPEC_SITE_DATA=...). No Markdown plugins are involved.
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';

export default defineConfig({
  outDir: './dist',
  integrations: [
    starlight({
      title: 'bpfspec',
      description: "Executable specification of the Linux BPF verifier's kfunc, ownership and iterator rules.",
      // Pagefind full-text search (built into dist/pagefind/ at build time, served locally).
      pagefind: true,
      // Rule pages are generated from the model's catalogue (src/pages/rules/), not written by hand.
      sidebar: [
        { label: 'Introduction', link: '/' },
        { label: 'Rules', link: '/rules/' },
      ],
      markdown: { processedDirs: ['./content/docs'] },
      expressiveCode: {
        // Shiki has no BPF assembly grammar; highlight the C-like SEC()/__msg() annotations as C.
        shiki: { langAlias: { bpf: 'c' } },
        // Keep tabs (kernel selftest style) so "copy to clipboard" gives the exact example text.
        tabWidth: 0,
      },
    }),
    mdx(),
  ],
});
