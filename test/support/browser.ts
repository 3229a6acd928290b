import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y --no-install-recommends chromium`; .ci/run installs it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  /** A new tab (sharing the context's localStorage with the others). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A suite that needs Chromium. Where it is missing, the suite is skipped with one test saying how to
 * get it, unless `REQUIRE_BROWSER=1` (set by `.ci/run`, which installs Chromium): then it runs and
 * fails loudly. So `npm test` passes on a machine without a browser, and CI never skips it.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH) || process.env.REQUIRE_BROWSER === '1') {
    describe(name, body);
    return;
  }
  describe.skip(`${name} (no Chromium at ${CHROMIUM_PATH})`, () => {
    it('runs with Chromium installed: apt-get install -y --no-install-recommends chromium', () => undefined);
  });
}

/** Real headless Chromium with a fresh profile. Fails (never skips) when Chromium is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium ` +
        '(or set CHROMIUM_PATH).',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'parley-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const WIDGET = '#parley-widget';

/** Opens the demo page of a bot (`GET /widget/{publicId}`: the widget opened) and waits for the panel. */
export async function openWidgetPage(page: Page, baseUrl: string, publicId: string): Promise<void> {
  await page.goto(`${baseUrl}/widget/${encodeURIComponent(publicId)}`);
  await page.locator(`${WIDGET} .panel`).waitFor({ state: 'visible' });
}

/** The widget's message bubbles (Playwright's CSS pierces its open shadow root). */
export const bubbles = (page: Page, who?: 'bot' | 'visitor' | 'agent' | 'system'): Locator =>
  page.locator(`${WIDGET} .msg${who ? `.${who}` : ''}`);

/** Waits until a bubble (of `who`, if given) contains `text`. */
export async function waitForBubble(
  page: Page,
  text: string | RegExp,
  who?: 'bot' | 'visitor' | 'agent' | 'system',
): Promise<Locator> {
  const bubble = bubbles(page, who).filter({ hasText: text }).last();
  await bubble.waitFor({ state: 'visible' });
  return bubble;
}

/** The texts of the bubbles, in order. */
export const bubbleTexts = async (page: Page, who?: 'bot' | 'visitor' | 'agent' | 'system'): Promise<string[]> =>
  (await bubbles(page, who).allInnerTexts()).map((t) => t.trim());

/** Types `text` in the widget's input (text, email, number… or the free text of a live chat) and sends it. */
export async function sendText(page: Page, text: string): Promise<void> {
  const field = page.locator(`${WIDGET} .composer input:not([type=search]), ${WIDGET} .composer textarea`).first();
  await field.waitFor({ state: 'visible' });
  await field.fill(text);
  await field.press('Enter');
}

/** Clicks the choice button labelled `label`. */
export async function clickChoice(page: Page, label: string): Promise<void> {
  await page.locator(`${WIDGET} .composer button.choice`, { hasText: label }).click();
}

/** Waits until the widget's live-chat socket is connected (`data-live="connected"` on its host element). */
export async function waitForLive(page: Page): Promise<void> {
  await page.locator(`${WIDGET}[data-live="connected"]`).waitFor({ state: 'attached' });
}

/** The widget's typing indicator ("Ada is typing…"), '' when nobody types. */
export const typingIndicator = async (page: Page): Promise<string> =>
  ((await page.locator(`${WIDGET} .typing`).textContent()) ?? '').trim();

/** The widget's error line (a refused answer's problem message), '' when none. */
export const widgetError = async (page: Page): Promise<string> =>
  ((await page.locator(`${WIDGET} .error`).textContent()) ?? '').trim();

/** The session the widget keeps for a bot in the page's localStorage (what a reload resumes). */
export async function widgetSession(
  page: Page,
  apiBase: string,
  publicId: string,
): Promise<{ sessionId: string; sessionToken: string; lastSeenId?: string } | undefined> {
  const raw: unknown = await page.evaluate(`localStorage.getItem(${JSON.stringify(`parley:${apiBase}:${publicId}`)})`);
  return typeof raw === 'string' ? JSON.parse(raw) : undefined;
}
