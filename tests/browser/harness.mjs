// Shared set-up of the browser tests: a real `meshdexd --demo` on free
// loopback ports (its ready file gives the addresses) and Debian's chromium
// driven by playwright-core (no browser download). Paths come from the
// environment ctest sets: MESHDEXD (the server binary), MESHDEX_WEB_DIR
// (clients/web, whose node_modules hold playwright-core) and
// SCREENSHOT_DIR (where screenshots go, in the build tree).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const START_TIMEOUT_MS = 60_000;
const POLL_MS = 25;

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run the browser tests through ctest)`);
  return value;
}

// Starts meshdexd with `flags` on a fresh data dir; resolves once its ready
// file is written and /readyz answers 200. `baseUrl` is its HTTP origin,
// `grpc` its gRPC address; `stop()` ends it (SIGTERM) and removes the data dir.
export async function startServer(flags = ['--demo']) {
  const dir = mkdtempSync(path.join(tmpdir(), 'meshdex-browser-'));
  const readyFile = path.join(dir, 'ready.json');
  const log = [];
  const child = spawn(requiredEnv('MESHDEXD'), [
    `--data_dir=${path.join(dir, 'data')}`, '--grpc_listen=127.0.0.1:0', '--http_listen=127.0.0.1:0',
    `--ready_file=${readyFile}`, ...flags,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => log.push(chunk));
  child.stderr.on('data', (chunk) => log.push(chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + START_TIMEOUT_MS;
  const giveUp = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`meshdexd did not get ready:\n${Buffer.concat(log).toString()}`);
  };
  let ready = null;
  while (!ready) {
    try {
      ready = JSON.parse(readFileSync(readyFile, 'utf8'));
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        giveUp();
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  // The index follows the store asynchronously: wait until /readyz says it
  // has caught up with the demo load, so the first search sees every product.
  const baseUrl = `http://${ready.http}`;
  while ((await fetch(`${baseUrl}/readyz`).catch(() => null))?.status !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      giveUp();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return {
    baseUrl,
    grpc: ready.grpc,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const require = createRequire(path.join(requiredEnv('MESHDEX_WEB_DIR'), 'package.json'));
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
}

// A page that records script errors and console errors in `errors` (HTTP
// error statuses the UI handles, such as 503 for lineage, are not errors).
export async function newPage(browser, errors) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console error: ${message.text()}`);
    }
  });
  return page;
}

export async function screenshot(page, name) {
  const dir = requiredEnv('SCREENSHOT_DIR');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
