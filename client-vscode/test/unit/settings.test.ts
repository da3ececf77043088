import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Inspected, SERVER_SETTINGS, serverSettings } from '../../src/settings';

const root = path.resolve(__dirname, '../../../..'); // from out/test/unit

test('only settings the user chose reach the server, so specloom.toml is not overridden by defaults', () => {
  const settings: Record<string, Inspected> = {
    outputDir: { globalValue: undefined },
    coverageThreshold: { globalValue: 90 },
    language: {},
  };
  assert.deepEqual(serverSettings((k) => settings[k]), { coverageThreshold: 90 });
});

test('a workspace folder setting beats the workspace, which beats the user settings', () => {
  const settings: Record<string, Inspected> = {
    outputDir: { globalValue: 'a', workspaceValue: 'b', workspaceFolderValue: 'c' },
    user: { globalValue: 'me@example.com', workspaceValue: 'team@example.com' },
    tenant: { globalValue: 'acme' },
  };
  assert.deepEqual(serverSettings((k) => settings[k]), { outputDir: 'c', user: 'team@example.com', tenant: 'acme' });
});

test("the client's own settings are never sent (the server would warn about unknown settings)", () => {
  const sent = serverSettings((k) => ({ globalValue: `value of ${k}` }));
  assert.deepEqual(Object.keys(sent), [...SERVER_SETTINGS]);
  assert.ok(!('server' in sent) && !('trace' in sent));
});

test('every setting the server reads is contributed, with a description and a default, and nothing else', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'client-vscode/package.json'), 'utf8'));
  const properties: Record<string, { default?: unknown; markdownDescription?: string }> =
    manifest.contributes.configuration.properties;
  const serverPy = fs.readFileSync(path.join(root, 'server/specloom/lsp/settings.py'), 'utf8');
  const table = serverPy.slice(serverPy.indexOf('SETTINGS:'), serverPy.indexOf('}', serverPy.indexOf('SETTINGS:')));
  const serverKeys = [...table.matchAll(/^\s+"(\w+)":/gm)].map((m) => m[1]);
  assert.deepEqual([...serverKeys].sort(), [...SERVER_SETTINGS].sort());
  assert.deepEqual(
    Object.keys(properties).sort(),
    [...SERVER_SETTINGS.map((k) => `specloom.${k}`), 'specloom.server.pythonPath', 'specloom.trace.server'].sort(),
  );
  for (const [name, property] of Object.entries(properties)) {
    assert.ok(property.markdownDescription, `${name} has a description`);
    assert.ok('default' in property, `${name} has a default`);
  }
});

test("the palette offers the server's commands only while it runs, so none ends in 'command not found'", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'client-vscode/package.json'), 'utf8'));
  const serverPy = fs.readFileSync(path.join(root, 'server/specloom/lsp/server.py'), 'utf8');
  const serverCommands = [...serverPy.matchAll(/@server\.command\("([\w.]+)"\)/g)].map((m) => m[1]).sort();
  const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
  const gated: { command: string; when: string }[] = manifest.contributes.menus.commandPalette;
  assert.ok(serverCommands.length >= 5);
  assert.ok(serverCommands.every((c) => contributed.includes(c)), 'every server command is in the palette');
  assert.deepEqual(gated.map((m) => m.command).sort(), serverCommands);
  // A command that needs its arguments (a lens's target) is never offered in the palette.
  const lensOnly = ['specloom.openSpec'];
  assert.ok(gated.every((m) => m.when === (lensOnly.includes(m.command) ? 'false' : 'specloom.serverRunning')));
});
