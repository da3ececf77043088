import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkModule, installCommand, missingModuleMessage, pickInterpreter } from '../../src/interpreter';

test('the setting wins over the Python extension and python3', () => {
  assert.deepEqual(pickInterpreter('/opt/py/bin/python', '/env/bin/python', '/ws'), {
    command: '/opt/py/bin/python',
    source: 'setting',
  });
});

test("without the setting, the Python extension's interpreter is used", () => {
  assert.deepEqual(pickInterpreter(undefined, '/env/bin/python', '/ws'), { command: '/env/bin/python', source: 'python-extension' });
  assert.deepEqual(pickInterpreter('  ', '/env/bin/python', '/ws').source, 'python-extension');
});

test('with neither, python3 on PATH', () => {
  assert.deepEqual(pickInterpreter(undefined, undefined, undefined), { command: 'python3', source: 'default' });
  assert.deepEqual(pickInterpreter('', '', '/ws'), { command: 'python3', source: 'default' });
});

test('the setting may name the workspace folder or the home folder', () => {
  assert.equal(pickInterpreter('${workspaceFolder}/.venv/bin/python', undefined, '/ws').command, '/ws/.venv/bin/python');
  assert.equal(pickInterpreter('~/venvs/s/bin/python', undefined, '/ws').command, path.join(os.homedir(), 'venvs/s/bin/python'));
});

test('the install command is pasteable into a shell, even for paths with spaces or quotes', () => {
  assert.equal(installCommand('/ws/.venv/bin/python', 'linux'), '/ws/.venv/bin/python -m pip install specloom');
  assert.equal(installCommand("/My Envs/it's/python", 'linux'), `'/My Envs/it'\\''s/python' -m pip install specloom`);
  assert.equal(installCommand('C:\\Program Files\\Python312\\python.exe', 'win32'), '"C:\\Program Files\\Python312\\python.exe" -m pip install specloom');
});

test('the missing-module message names the interpreter, where it came from, and the install command', () => {
  const message = missingModuleMessage({ command: '/env/bin/python', source: 'python-extension' });
  assert.match(message, /not installed in \/env\/bin\/python/);
  assert.match(message, /Python extension/);
  assert.match(message, /\/env\/bin\/python -m pip install specloom/);
});

test('checkModule tells an importable module, a missing one, and a missing interpreter apart', async () => {
  assert.equal(await checkModule('python3', 'json'), 'ok');
  assert.equal(await checkModule('python3', 'no_such_module_for_specloom_tests'), 'missing');
  assert.equal(await checkModule('/no/such/python3', 'json'), 'no-interpreter');
});
