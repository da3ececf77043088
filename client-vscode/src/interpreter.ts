// Which Python runs the server, and whether specloom is importable there. No vscode import: unit-tested.
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export type InterpreterSource = 'setting' | 'python-extension' | 'default';

export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

export const SERVER_ARGS = ['-m', 'specloom', 'serve'];

/** The setting wins, then the Python extension's selection, then `python3` on PATH. */
export function pickInterpreter(
  setting: string | undefined,
  fromPythonExtension: string | undefined,
  workspaceFolder: string | undefined,
): Interpreter {
  const configured = setting?.trim();
  if (configured) {
    return { command: expandPath(configured, workspaceFolder), source: 'setting' };
  }
  if (fromPythonExtension?.trim()) {
    return { command: fromPythonExtension.trim(), source: 'python-extension' };
  }
  return { command: 'python3', source: 'default' };
}

function expandPath(value: string, workspaceFolder: string | undefined): string {
  let out = value;
  if (workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  if (out === '~' || out.startsWith('~/')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

/** The command a user pastes into a terminal to install specloom into that interpreter. */
export function installCommand(python: string, platform: NodeJS.Platform = process.platform): string {
  return `${shellQuote(python, platform)} -m pip install specloom`;
}

function shellQuote(word: string, platform: NodeJS.Platform): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) {
    return word;
  }
  return platform === 'win32' ? `"${word}"` : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function describeSource(source: InterpreterSource): string {
  switch (source) {
    case 'setting':
      return 'the setting specloom.server.pythonPath';
    case 'python-extension':
      return "the Python extension's selected interpreter";
    case 'default':
      return 'python3 on PATH (no interpreter configured)';
  }
}

export function missingModuleMessage(interpreter: Interpreter): string {
  return (
    `Specloom: the language server is not installed in ${interpreter.command} ` +
    `(${describeSource(interpreter.source)}). Install it with: ${installCommand(interpreter.command)}`
  );
}

export function missingInterpreterMessage(interpreter: Interpreter): string {
  return (
    `Specloom: cannot run the Python interpreter ${interpreter.command} ` +
    `(${describeSource(interpreter.source)}). Set specloom.server.pythonPath to a Python 3.11+ with specloom installed.`
  );
}

export type ModuleCheck = 'ok' | 'missing' | 'no-interpreter';

/** Runs `<python> -c "import <module>"`: a failed start would otherwise only say "connection closed". */
export function checkModule(python: string, module = 'specloom', timeoutMs = 30_000): Promise<ModuleCheck> {
  return new Promise((resolve) => {
    execFile(python, ['-c', `import ${module}`], { timeout: timeoutMs }, (error) => {
      if (!error) {
        resolve('ok');
      } else if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EACCES') {
        resolve('no-interpreter');
      } else {
        resolve('missing');
      }
    });
  });
}
