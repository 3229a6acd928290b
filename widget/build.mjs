// Bundles the embeddable web widget (widget/src) into one minified IIFE, dist/widget/widget.js,
// which the API serves at GET /widget.js. Run by `npm run build` after `nest build` (which empties dist/).
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  outfile: new URL('../dist/widget/widget.js', import.meta.url).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
});
