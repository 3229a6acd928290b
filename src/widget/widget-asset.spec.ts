import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import { demoPage, escapeHtml, loadWidgetAsset, matchesEtag, widgetBundleCandidates } from './widget-asset';
import type { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { WidgetController } from './widget.controller';
import { WidgetNotBuilt } from './widget.exception';

describe('widget asset', () => {
  it('finds the bundle beside dist/src (compiled) or in dist/ (run from the sources)', () => {
    expect(widgetBundleCandidates('/app/dist/src/widget')).toEqual([
      '/app/dist/widget/widget.js',
      '/app/dist/dist/widget/widget.js',
    ]);
    expect(widgetBundleCandidates('/repo/src/widget')[1]).toBe('/repo/dist/widget/widget.js');
  });

  it('reads the first bundle that exists, with a strong ETag; none: undefined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'widget-asset-'));
    try {
      const file = join(dir, 'widget.js');
      writeFileSync(file, 'console.log(1)');
      const asset = loadWidgetAsset([join(dir, 'missing.js'), file]);
      expect(asset?.body.toString()).toBe('console.log(1)');
      expect(asset?.etag).toMatch(/^"[\w-]{27}"$/);
      expect(loadWidgetAsset([join(dir, 'missing.js')])).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compares If-None-Match weakly, in lists and with *', () => {
    expect(matchesEtag(undefined, '"a"')).toBe(false);
    expect(matchesEtag('"b", W/"a"', '"a"')).toBe(true);
    expect(matchesEtag('*', '"a"')).toBe(true);
    expect(matchesEtag('"b"', '"a"')).toBe(false);
  });

  it('escapes the bot id in the demo page', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(demoPage('"><script>x</script>')).not.toContain('<script>x');
  });

  it('answers 503 widget.not_built when the bundle was missing at boot', () => {
    const controller = new WidgetController(undefined, {} as PublishedChatbots);
    expect(() => controller.script(undefined, {} as FastifyReply)).toThrow(WidgetNotBuilt);
  });
});
