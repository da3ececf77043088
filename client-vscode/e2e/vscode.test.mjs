// The extension's .vsix in a real VS Code (code-server from npm), driven like a person through Debian's
// Chromium. Needs: specloom.vsix (npm run package), e2e/install.sh, /usr/bin/chromium, and a Python
// with specloom and the FastAPI pack's test dependencies (SPECLOOM_E2E_PYTHON, else the repo's .venv).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const client = path.resolve(here, '..');
const repo = path.resolve(client, '..');
const artifacts = path.join(client, 'test-artifacts');
const codeServer = path.join(here, 'node_modules', '.bin', 'code-server');
const python = process.env.SPECLOOM_E2E_PYTHON ?? path.join(repo, '.venv', 'bin', 'python');
const vsix = path.join(client, 'specloom.vsix');
const LONG = 120_000; // generous: CI machines are slow and shared

const run = fs.mkdtempSync(path.join(os.tmpdir(), 'specloom-e2e-'));
const dirs = Object.fromEntries(
  ['config', 'data', 'cache', 'tmp', 'user-data', 'extensions', 'workspace'].map((d) => [d, path.join(run, d)]),
);
const workspace = dirs.workspace;
const env = {
  ...process.env,
  XDG_CONFIG_HOME: dirs.config,
  XDG_DATA_HOME: dirs.data,
  XDG_CACHE_HOME: dirs.cache,
  TMPDIR: dirs.tmp,
};
const cliDirs = ['--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions];

let server; // the code-server process, leader of its own process group
let browser;
let page;
let shot = 0;

async function screenshot(name) {
  shot += 1;
  await page.screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

async function waitForHealth(url, deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}`);
}

/** Quick Open `query` (a name, or a path for a name that is not unique) and wait for its tab. */
async function openFile(query) {
  const name = path.basename(query);
  const label = new RegExp(`^\\s*${name.replace(/\./g, '\\.')}`); // books.py, not test_books.py
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(query);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: label }).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

async function goToLine(line) {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
}

async function until(condition, what, timeout = LONG) {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The text of the webview (a Markdown preview) that shows `text`; webviews are frames in frames. */
async function webviewText(text) {
  let found;
  await until(async () => {
    for (const frame of page.frames()) {
      const body = await frame.locator('body').innerText({ timeout: 1000 }).catch(() => '');
      if (body.includes(text)) {
        found = body;
        return true;
      }
    }
    return false;
  }, `a webview shows ${text}`);
  return found;
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The status bar entry of the extension (`specloom.status`). */
function statusBar() {
  return page.locator('.statusbar-item', { hasText: 'Specloom' });
}

before(async () => {
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: run npm run package first`);
  assert.ok(fs.existsSync(python), `${python} is missing: run make test (it creates .venv) or set SPECLOOM_E2E_PYTHON`);

  for (const spec of ['bookstore.yaml', 'broken.yaml']) {
    fs.copyFileSync(path.join(repo, 'examples', 'openapi', spec), path.join(workspace, spec));
  }
  fs.writeFileSync(path.join(workspace, 'specloom.toml'), '[identity]\nuser = "e2e@example.com"\n');
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'specloom.server.pythonPath': python }, null, 2),
  );
  // Without these the Welcome page steals the focus and Quick Open never opens (see the recipe).
  fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs['user-data'], 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': false,
      'files.autoSave': 'off', // VS Code's default (code-server's is afterDelay): delivered files must still be saved
      'workbench.tips.enabled': false,
    }),
  );

  const install = spawnSync(codeServer, [...cliDirs, '--install-extension', vsix], { env, encoding: 'utf8' });
  assert.equal(install.status, 0, `installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);
  assert.match(install.stdout, /successfully installed/i);

  const port = 20000 + Math.floor(Math.random() * 20000);
  const log = fs.openSync(path.join(artifacts, 'code-server.log'), 'w');
  server = spawn(
    codeServer,
    [...cliDirs, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-update-check',
      '--disable-workspace-trust', '--disable-telemetry', workspace],
    { env, detached: true, stdio: ['ignore', log, log] }, // detached: its own process group, killed whole
  );
  await waitForHealth(`http://127.0.0.1:${port}/healthz`, Date.now() + 60_000);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    env, // its crash reports would otherwise go to ~/.config/chromium
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  page.setDefaultTimeout(LONG);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view').waitFor();
});

/** A test that leaves a screenshot of the screen it failed on. */
function step(name, fn) {
  test(name, { timeout: 300_000 }, async () => {
    try {
      await fn();
    } catch (error) {
      await screenshot('failure').catch(() => undefined);
      throw error;
    }
  });
}

after(async () => {
  await browser?.close();
  if (server?.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    process.kill(-server.pid, 'SIGTERM'); // the whole group: file-watcher children too
    const timer = setTimeout(() => process.kill(-server.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  // The extension host's logs, the Specloom output among them, for a failed run's post-mortem.
  const logs = path.join(dirs['user-data'], 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(artifacts, 'logs'), { recursive: true });
  fs.rmSync(run, { recursive: true, force: true });
});

step('the server starts and the status bar says it is running', async () => {
  await openFile('broken.yaml');
  await statusBar().filter({ hasText: /^\W*Specloom$/ }).waitFor();
  await screenshot('server-running');
});

step("broken.yaml's findings are in the editor and in the Problems panel", async () => {
  await page.locator('.monaco-editor .squiggly-error').first().waitFor();
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.filter({ hasText: 'OAS112' }).first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.ok(texts.some((t) => /broken\.yaml/.test(t)), `a row names broken.yaml: ${texts.join(' | ')}`);
  assert.ok(texts.some((t) => /Path parameter `?\{itemId\}`? .* is not declared/.test(t)), texts.join(' | '));
  assert.ok(texts.some((t) => /Itme/.test(t)), `the misspelt $ref is reported: ${texts.join(' | ')}`);
  await screenshot('problems');
});

step('hovering an operation lists the files it would produce', async () => {
  await openFile('bookstore.yaml');
  await goToLine(15);
  const line = page.locator('.view-line', { hasText: /^\s*get:\s*$/ });
  await line.first().waitFor();
  // The first `get:` on screen is /books' (line 15); the DOM order of view lines is not the screen's.
  const boxes = await line.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
  const get = line.nth(boxes.indexOf(Math.min(...boxes))).locator('span', { hasText: /^get$/ }).first();
  const hover = page.locator('.monaco-hover', { hasText: 'would produce' });
  // VS Code drops a hover that a notification or a layout shift covers; a user would point again.
  for (let attempt = 1; ; attempt++) {
    await get.hover();
    try {
      await hover.waitFor({ timeout: 30_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.mouse.move(5, 5);
    }
  }
  const text = await hover.innerText();
  assert.match(text, /GET \/books/);
  assert.match(text, /bookstore\/routes\/books\.py/);
  assert.match(text, /tests\/test_books\.py/);
  await screenshot('hover-planned-files');
  await page.mouse.move(5, 5);
});

step('"Generate implementation" from the code action delivers the files and the status bar says so', async () => {
  await goToLine('15:5'); // on `get`, the operation's key
  // Generating one operation is a refactor action: VS Code lists it in the Ctrl+. menu and under "Refactor...".
  await runCommand('Refactor...');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Generate implementation for GET /books' });
  await action.waitFor();
  await screenshot('code-action');
  // A pointer-block layer covers the widget's rows while it is open: choose with the keyboard, as people do.
  for (let i = 0; i < 10 && !(await action.getAttribute('class')).includes('focused'); i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await statusBar().filter({ hasText: 'generating' }).waitFor();
  await screenshot('generating');
  const done = statusBar().filter({ hasText: /Specloom: (generated|gate failed|generation failed|invalid spec|refused|conflict|error)/ });
  await done.waitFor({ timeout: 240_000 });
  assert.match(await done.innerText(), /Specloom: generated \d+ files/);

  for (const file of ['bookstore/routes/books.py', 'tests/test_books.py', 'bookstore/app.py']) {
    await until(() => fs.existsSync(path.join(workspace, 'generated', file)) && fs.statSync(path.join(workspace, 'generated', file)).size > 0, `generated/${file} is written to disk`);
  }
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^generated$/ }).waitFor();
  await screenshot('generated');
});

step('"Preview plan" and "Show audit log" open as readable Markdown previews', async () => {
  await page.locator('.tab', { hasText: 'bookstore.yaml' }).click();
  await runCommand('Specloom: Preview plan');
  await page.locator('.tab', { hasText: 'Preview Plan bookstore.yaml' }).waitFor();
  const plan = await webviewText('bookstore/routes/books.py');
  assert.match(plan, /Plan for bookstore\.yaml/);
  assert.match(plan, /template:python-fastapi@/);
  await screenshot('plan-preview');

  await runCommand('Specloom: Show audit log');
  await page.locator('.tab', { hasText: 'Preview Audit log' }).waitFor();
  const audit = await webviewText('e2e@example.com');
  assert.match(audit, /delivered/);
  await screenshot('audit-log');
});

/** The cursor's place as the status bar shows it: "Ln 25, Col 30". */
async function cursorPlace() {
  return page.locator('.statusbar-item', { hasText: /^\s*Ln \d+, Col \d+/ }).first().innerText();
}

step('go to definition on a $ref lands on the component it names', async () => {
  // The audit preview's webview has the focus, and keys sent there never reach Quick Open: click the tab.
  await page.getByRole('tab', { name: /^bookstore\.yaml/ }).click();
  await page.locator('.tab.active', { hasText: 'bookstore.yaml' }).waitFor();
  await goToLine('25:30'); // inside '#/components/schemas/Genre' of GET /books' genre parameter
  await until(async () => /Ln 25, Col 30/.test(await cursorPlace()), 'the cursor is on the $ref');
  await page.keyboard.press('F12');
  await until(async () => /Ln 199,/.test(await cursorPlace()), 'the cursor is on `Genre:` (line 199)');
  await screenshot('definition');
});

step('completion offers the $ref targets of the spec', async () => {
  // In broken.yaml, which no later step reads (code-server saves edits after a delay).
  await page.getByRole('tab', { name: /^broken\.yaml/ }).click();
  await page.locator('.tab.active', { hasText: 'broken.yaml' }).waitFor();
  await goToLine('15:1');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type("$ref: '#/components/schemas/");
  const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: '#/components/schemas/Item' });
  try {
    await suggestion.first().waitFor({ timeout: 15_000 });
  } catch {
    await page.keyboard.press('Control+Space'); // the trigger character was typed before the server was asked
    await suggestion.first().waitFor();
  }
  await screenshot('completion');
  await page.keyboard.press('Escape');
  for (let i = 0; i < 20 && (await page.locator('.tab.active.dirty').count()); i++) {
    await page.keyboard.press('Control+Z');
  }
});

step('renaming a component edits every $ref to it, and the generated file it fed says the spec changed', async () => {
  await page.getByRole('tab', { name: /^bookstore\.yaml/ }).click();
  await page.locator('.tab.active', { hasText: 'bookstore.yaml' }).waitFor();
  await goToLine('199:6'); // the key `Genre:` under components/schemas
  await page.keyboard.press('F2');
  const box = page.locator('.rename-box input');
  await box.waitFor();
  await box.fill('Category');
  await page.keyboard.press('Enter');
  await page.locator('.tab.active.dirty', { hasText: 'bookstore.yaml' }).waitFor();
  await page.keyboard.press('Control+S');
  const spec = path.join(workspace, 'bookstore.yaml');
  await until(() => {
    const text = fs.readFileSync(spec, 'utf8');
    return text.split("'#/components/schemas/Category'").length === 3 && !text.includes('schemas/Genre') && text.includes('    Category:');
  }, 'both $refs to Genre and its key say Category on disk');
  await screenshot('renamed');
  // books.py came from GET /books, whose genre parameter's $ref changed: it gets the drift notice.
  await openFile('generated/bookstore/routes/books.py');
  await page.locator('.monaco-editor .squiggly-info').first().waitFor();
  await page.locator('.codelens-decoration', { hasText: 'from GET /books in bookstore.yaml:15' }).waitFor();
  if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
  await page.getByPlaceholder(/^Filter \(e\.g\./).fill('spec changed'); // broken.yaml's rows push it out of view
  const notice = page.locator('.markers-panel .monaco-list-row', { hasText: 'The spec changed since this was generated' });
  await notice.first().waitFor();
  assert.match(await notice.first().innerText(), /bookstore\.yaml/);
  await screenshot('drift');
});

step('an interpreter without specloom gets an error that copies the install command', async () => {
  const bare = path.join(run, 'bare-venv');
  const venv = spawnSync('python3', ['-m', 'venv', '--without-pip', bare], { encoding: 'utf8' });
  assert.equal(venv.status, 0, venv.stderr);
  const barePython = path.join(bare, 'bin', 'python');
  // Changing the setting restarts the server with the new interpreter.
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'specloom.server.pythonPath': barePython }, null, 2),
  );
  const toast = page.locator('.notification-toast', { hasText: 'language server is not installed in' });
  await toast.waitFor();
  const message = await toast.innerText();
  assert.ok(message.includes(`${barePython} -m pip install specloom`), message);
  await statusBar().filter({ hasText: 'Specloom: error' }).waitFor();
  await screenshot('specloom-missing');
  await toast.locator('.monaco-button', { hasText: 'Copy install command' }).click();
  await until(
    async () => (await page.evaluate(() => navigator.clipboard.readText())) === `${barePython} -m pip install specloom`,
    'the install command is on the clipboard',
  );
});
