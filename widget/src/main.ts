import { ParleyWidget } from './widget';

/**
 * Entry of `widget.js`. On a customer page:
 *   <script src="https://parley.example/widget.js" data-bot="<publicId>" async></script>
 * `data-api` overrides the API base (default: the script's own origin), `data-title` the panel's
 * title, `data-open="true"` opens the panel at once.
 */
declare global {
  interface Window {
    ParleyWidget?: { widgets: ParleyWidget[] };
  }
}

function scriptElement(): HTMLScriptElement | undefined {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.bot) return current;
  const candidates = Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-bot]'));
  return candidates.find((s) => /\/widget\.js(\?|#|$)/.test(s.src)) ?? candidates[0];
}

function mount(script: HTMLScriptElement): void {
  const publicId = script.dataset.bot?.trim();
  if (!publicId) {
    console.warn('Parley widget: the script tag has no data-bot attribute.');
    return;
  }
  const base = script.dataset.api?.trim() || new URL(script.src || window.location.href, window.location.href).origin;
  const host = document.createElement('div');
  host.id = 'parley-widget';
  host.setAttribute('data-bot', publicId);
  document.body.appendChild(host);
  const widget = new ParleyWidget(
    {
      publicId,
      apiBase: base.replace(/\/+$/, ''),
      title: script.dataset.title?.trim() || 'Chat',
      open: script.dataset.open === 'true',
    },
    host,
  );
  const registry = (window.ParleyWidget ??= { widgets: [] });
  registry.widgets.push(widget);
}

const script = scriptElement();
if (script) {
  if (document.body) mount(script);
  else document.addEventListener('DOMContentLoaded', () => mount(script), { once: true });
}
