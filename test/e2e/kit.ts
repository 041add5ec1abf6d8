// What the browser tests share: Debian's Chromium, the app on a local port, and one inspection
// of a page as a careful designer would do it: screenshots at 320 and 1280 px in the light and
// the dark scheme, no sideways scrolling at 320 px, and axe-core finding nothing serious.
//
// Pages are walked with JavaScript off, as readers of a no-JavaScript form do. axe-core needs
// JavaScript, so each page is audited in a second, JavaScript-enabled context that is served
// exactly the HTML the walk received, at the same address (with the same stylesheet). That way
// pages reached by a POST (a form shown again with its errors) are audited too, and nothing the
// audit enables can change what is audited: the walk checks that pages carry no script at all.
// Code run in the page is passed as strings: the project's TypeScript has no DOM types.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.ts';

const CHROMIUM = '/usr/bin/chromium';
export const skipWithoutBrowser = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`;

/** Screenshots land here (git-ignored) for a person to look at. */
export const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const schemes = ['light', 'dark'] as const;
export type Scheme = (typeof schemes)[number];
export const widths = [320, 1280] as const;
const HEIGHT = 800;

export interface Harness {
  base: string;
  browser: Browser;
  /** A fresh JavaScript-off context, as the pages are meant to be used. */
  reader(): Promise<BrowserContext>;
  /** Heights in px of every page inspected, by name, at each width (light scheme). */
  heights: Map<string, Record<number, number>>;
  close(): Promise<void>;
}

/** Registers hooks that serve the test app and open a browser for the calling suite. */
export function useHarness(t: TestApp): Harness {
  const harness = {} as Harness;
  before(async () => {
    // Each test is skipped without a browser (so that the run counts them as skipped); the suite's hooks still run.
    if (skipWithoutBrowser) return;
    Object.assign(harness, await startHarness(t.app));
  });
  after(async () => {
    // Absent when starting failed: that failure is the one to report.
    await harness.close?.();
  });
  return harness;
}

async function startHarness(app: Express): Promise<Harness> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    base,
    browser,
    reader: () => browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: HEIGHT } }),
    heights: new Map(),
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Inspects the page the walk is on, under `name`: screenshots, sideways scrolling, axe-core in
 * both schemes. Leaves the page at its original viewport and scheme.
 */
export async function inspect(h: Harness, page: Page, name: string): Promise<void> {
  // A click that sends a form returns once the next page has begun to arrive, not once its
  // stylesheet has: measured before, a page looked as wide as its unstyled content.
  await page.waitForLoadState('load');
  const html = await page.content();
  assert.doesNotMatch(html, /<script|\son[a-z]+=/i, `${name}: the page carries a script`);
  const viewport = page.viewportSize();
  const heights: Record<number, number> = {};
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of widths) {
      await page.setViewportSize({ width, height: HEIGHT });
      const size = await page.evaluate<{ scroll: number; height: number }>(
        '({ scroll: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })',
      );
      if (width === 320 && size.scroll > 320) {
        const wide = await page.evaluate<string[]>(
          `[...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > 320 && ![...e.children].some((c) => c.getBoundingClientRect().right > 320)).slice(0, 5).map((e) => e.outerHTML.slice(0, 120))`,
        );
        assert.fail(`${name} scrolls sideways at 320 px (${size.scroll} px wide, ${scheme}); too wide: ${wide.join(' | ')}`);
      }
      if (scheme === 'light') heights[width] = size.height;
      await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}-${scheme}.png`), fullPage: true });
    }
  }
  h.heights.set(name, heights);
  if (viewport) await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme: 'light' });

  const url = page.url();
  const audit = await h.browser.newContext({ javaScriptEnabled: true, bypassCSP: true, viewport: { width: 1280, height: HEIGHT } });
  try {
    const auditPage = await audit.newPage();
    await auditPage.route(
      (u) => u.href === url,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await auditPage.goto(url);
    await auditPage.addScriptTag({ content: axeSource });
    for (const scheme of schemes) {
      await auditPage.emulateMedia({ colorScheme: scheme });
      const background = await auditPage.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
      assert.ok(isOpaque(background), `${name} (${scheme}): the page has no background of its own (${background}), so contrast cannot be judged`);
      const violations = await auditPage.evaluate<Violation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map(describe), [], `${name} (${scheme}): axe-core finds serious problems`);
    }
  } finally {
    await audit.close();
  }
}

function describe(v: Violation): string {
  const where = v.nodes
    .slice(0, 3)
    .map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1).join(' ').trim()})` : ''}`);
  return `${v.id} [${v.impact}] ×${v.nodes.length}: ${v.help} — ${where.join('; ')}`;
}

/** sRGB colours as Chromium computes them: rgb(r, g, b) or rgba(r, g, b, a). */
export function parseColour(css: string): [number, number, number, number] {
  const match = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css);
  if (!match) throw new Error(`not an rgb() colour: ${css}`);
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? 1 : Number(match[4])];
}

function isOpaque(css: string): boolean {
  return parseColour(css)[3] === 1;
}

/** WCAG 2 contrast ratio of two opaque colours. */
export function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = parseColour(css)
      .slice(0, 3)
      .map((c) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
