// Astro + Starlight configuration for the bpfspec site.
//
// Content is in content/docs/ (see src/content.config.ts for why the collection uses glob()).
// Example outcomes are NOT computed here: `bpfspec check --site-data .bpfspec/site-data.json`
// writes them before `astro build`, and src/site/components/Example.astro renders them
// (override the file with BPFSPEC_SITE_DATA=...). No Markdown plugins are involved.
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import { readFileSync } from 'node:fs';

// Our TextMate grammar for the example language (BPF asm, C preamble, selftest annotations).
const bpfGrammar = JSON.parse(readFileSync(new URL('./src/site/shiki/bpf.tmLanguage.json', import.meta.url), 'utf8'));

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
        // src/pages/playground.astro: the model runs in the browser (src/site/playground/).
        { label: 'Playground', link: '/playground/' },
        {
          label: 'kfunc flags',
          items: [
            { label: 'Overview', link: '/kfuncs/' },
            { label: 'KF_ACQUIRE', link: '/kfuncs/kf-acquire/' },
            { label: 'KF_RELEASE', link: '/kfuncs/kf-release/' },
            { label: 'KF_RET_NULL', link: '/kfuncs/kf-ret-null/' },
            { label: 'KF_TRUSTED_ARGS', link: '/kfuncs/kf-trusted-args/' },
            { label: 'KF_RCU', link: '/kfuncs/kf-rcu/' },
            { label: 'KF_RCU_PROTECTED', link: '/kfuncs/kf-rcu-protected/' },
            { label: 'KF_SLEEPABLE', link: '/kfuncs/kf-sleepable/' },
            { label: 'KF_DESTRUCTIVE', link: '/kfuncs/kf-destructive/' },
            { label: 'KF_ITER_NEW / NEXT / DESTROY', link: '/kfuncs/kf-iter/' },
            { label: 'KF_FASTCALL', link: '/kfuncs/kf-fastcall/' },
            { label: 'KF_ARENA_*', link: '/kfuncs/kf-arena/' },
            { label: 'KF_IMPLICIT_ARGS (7.0)', link: '/kfuncs/kf-implicit-args/' },
            { label: 'KF_FORBID_SLEEP (proposed)', link: '/kfuncs/kf-forbid-sleep/' },
            { label: 'Pointers to kernel structs', link: '/kfuncs/btf-pointers/' },
            { label: 'Reference tracking', link: '/kfuncs/reference-tracking/' },
            { label: 'RCU sections and sleepable contexts', link: '/kfuncs/rcu-sections/' },
            { label: 'Can a KF_RCU argument be NULL?', link: '/kfuncs/kf-rcu-nullable-args/' },
          ],
        },
        { label: 'Ownership', items: [{ label: 'Referenced objects', link: '/ownership/' }] },
        { label: 'Iterators', items: [{ label: 'Open-coded iterators', link: '/iterators/' }] },
        {
          // generated from the model's catalogue and the checked examples (src/pages/)
          label: 'Reference',
          items: [
            { label: 'Rules', link: '/rules/' },
            { label: 'Verifier messages', link: '/messages/' },
            { label: 'Examples', link: '/examples/' },
            { label: 'Coverage', link: '/coverage/' },
          ],
        },
      ],
      markdown: { processedDirs: ['./content/docs'] },
      expressiveCode: {
        // ```bpf fences: our grammar (src/site/shiki/bpf.tmLanguage.json, tested in test/trace/).
        shiki: { langs: [bpfGrammar] },
        // Keep tabs (kernel selftest style) so "copy to clipboard" gives the exact example text.
        tabWidth: 0,
      },
    }),
    mdx(),
  ],
});
