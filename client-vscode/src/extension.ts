// The VS Code side: starts `python -m specloom serve`, forwards settings, and shows what the server's commands return.
import * as vscode from 'vscode';
import {
  ApplyWorkspaceEditParams,
  ApplyWorkspaceEditRequest,
  ApplyWorkspaceEditResult,
  LanguageClient,
  LanguageClientOptions,
  State,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';
import {
  checkModule,
  installCommand,
  Interpreter,
  missingInterpreterMessage,
  missingModuleMessage,
  pickInterpreter,
  SERVER_ARGS,
} from './interpreter';
import { auditMarkdown, planMarkdown, templatesMarkdown } from './markdown';
import { serverSettings } from './settings';
import { generationFinished, generationStarted, Status, statusText, withProgress } from './status';

const PREVIEW_SCHEME = 'specloom-preview';
const SPEC_FILES = '**/*.{yaml,yml,json,graphql,gql,md}';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let status: Status = { server: 'stopped' };
let previews: PreviewDocuments;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Specloom');
  statusItem = vscode.window.createStatusBarItem('specloom.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'Specloom';
  statusItem.command = 'specloom.showOutput';
  previews = new PreviewDocuments();
  context.subscriptions.push(
    output,
    statusItem,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.commands.registerCommand('specloom.restartServer', restart),
    vscode.commands.registerCommand('specloom.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('specloom.server.pythonPath')) {
        void restart();
      }
    }),
  );
  setStatus({ server: 'starting' });
  statusItem.show();
  await watchPythonExtension(context);
  await restart();
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}

function setStatus(next: Status): void {
  status = next;
  // The server's commands exist only while it runs; the palette hides them otherwise (package.json menus).
  void vscode.commands.executeCommand('setContext', 'specloom.serverRunning', status.server === 'running');
  const { text, tooltip } = statusText(status);
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.backgroundColor =
    status.server === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}

let lifecycle: Promise<void> = Promise.resolve();

/** Restarts run one after another: two quick setting changes must not leave two servers running. */
function restart(): Promise<void> {
  lifecycle = lifecycle.catch(() => undefined).then(async () => {
    const previous = client;
    client = undefined;
    await previous?.dispose().catch((e: unknown) => output.appendLine(`Stopping the server failed: ${e}`));
    await start();
  });
  return lifecycle;
}

async function start(): Promise<void> {
  setStatus({ server: 'starting' });
  const folder = vscode.workspace.workspaceFolders?.[0];
  const interpreter = pickInterpreter(
    vscode.workspace.getConfiguration('specloom', folder).get<string>('server.pythonPath'),
    await pythonExtensionInterpreter(folder?.uri),
    folder?.uri.fsPath,
  );
  output.appendLine(`Python: ${interpreter.command} (${interpreter.source})`);
  const check = await checkModule(interpreter.command);
  if (check !== 'ok') {
    reportUnusable(interpreter, check === 'missing');
    return;
  }
  const next = new LanguageClient('specloom', 'Specloom', {
    command: interpreter.command,
    args: SERVER_ARGS,
    options: { cwd: folder?.uri.fsPath },
  }, clientOptions());
  client = next;
  next.onDidChangeState(({ newState }) => {
    if (client !== next) {
      return; // a replaced client's last words
    }
    const server = newState === State.Running ? 'running' : newState === State.Starting ? 'starting' : 'stopped';
    setStatus({ ...status, server, generating: server === 'running' ? status.generating : undefined });
  });
  try {
    await next.start();
  } catch (e) {
    setStatus({ server: 'error', detail: `The server did not start: ${e}` });
    output.appendLine(`The server did not start: ${e}`);
    return;
  }
  // Replaces the client's own progress display: one handler feeds the status bar and a cancellable notification.
  next.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => showProgress(next, token));
  next.onRequest(ApplyWorkspaceEditRequest.type, (params) => applyAndSave(next, params));
}

/**
 * The server's edits, with each file they touch saved: a delivery's files reach the disk the manifest
 * describes even with `files.autoSave` off (VS Code's default), where the editor would leave them unsaved.
 */
async function applyAndSave(owner: LanguageClient, params: ApplyWorkspaceEditParams): Promise<ApplyWorkspaceEditResult> {
  const edit = await owner.protocol2CodeConverter.asWorkspaceEdit(params.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    return { applied: false, failureReason: 'the editor did not apply the edit' };
  }
  const touched = new Set(edit.entries().map(([uri]) => uri.toString()));
  const unsaved = vscode.workspace.textDocuments.filter((d) => d.isDirty && touched.has(d.uri.toString()));
  const saved = await Promise.all(unsaved.map((d) => d.save()));
  const failed = unsaved.filter((_, i) => !saved[i]).map((d) => vscode.workspace.asRelativePath(d.uri));
  return failed.length ? { applied: false, failureReason: `could not save ${failed.join(', ')}` } : { applied: true };
}

function reportUnusable(interpreter: Interpreter, moduleMissing: boolean): void {
  const message = moduleMissing ? missingModuleMessage(interpreter) : missingInterpreterMessage(interpreter);
  setStatus({ server: 'error', detail: message });
  output.appendLine(message);
  const copy = 'Copy install command';
  const settings = 'Open settings';
  const buttons = moduleMissing ? [copy, settings] : [settings];
  void vscode.window.showErrorMessage(message, ...buttons).then(async (choice) => {
    if (choice === copy) {
      await vscode.env.clipboard.writeText(installCommand(interpreter.command));
    } else if (choice === settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'specloom.server.pythonPath');
    }
  });
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'graphql' },
      { scheme: 'file', pattern: '**/*.{graphql,gql}' }, // without a GraphQL extension these are plain text
      { scheme: 'file', language: 'markdown' },
      // Generated code: the server gives it lenses back to its spec and the drift notice (GEN001).
      ...['python', 'typescript', 'go', 'rust', 'java', 'csharp'].map((language) => ({ scheme: 'file', language })),
    ],
    synchronize: { configurationSection: 'specloom' },
    outputChannel: output,
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, i) => {
            if (item.section !== 'specloom') {
              return answers[i];
            }
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            const config = vscode.workspace.getConfiguration('specloom', scope);
            return serverSettings((key) => config.inspect(key));
          });
        },
      },
      executeCommand: (command, args, next) => runCommand(command, args, (a) => next(command, a)),
    },
  };
}

/** The server's commands, from the palette, a code lens or a code action, each with a visible result. */
async function runCommand(command: string, args: unknown[], send: (args: unknown[]) => Promise<unknown>): Promise<unknown> {
  switch (command) {
    case 'specloom.generate': {
      const uri = (args[0] as string | undefined) ?? activeSpec();
      if (uri === undefined) {
        return undefined;
      }
      setStatus(generationStarted(status));
      try {
        const outcome = (await send([uri, args[1] ?? null])) as Parameters<typeof generationFinished>[1];
        setStatus(generationFinished(status, outcome));
        return outcome;
      } catch (e) {
        setStatus(generationFinished(status, undefined, e instanceof Error ? e.message : String(e)));
        throw e;
      }
    }
    case 'specloom.previewPlan': {
      const uri = (args[0] as string | undefined) ?? activeSpec();
      if (uri === undefined) {
        return undefined;
      }
      const plan = (await send([uri])) as Parameters<typeof planMarkdown>[0] | null;
      if (plan === null || plan === undefined) {
        void vscode.window.showWarningMessage('Specloom: no plan for this file: it is not a spec, or it has errors to fix first.');
        return plan;
      }
      await previews.show(`Plan ${basename(uri)}`, planMarkdown(plan));
      return plan;
    }
    case 'specloom.showAudit': {
      const entries = await send(args.length > 0 ? args : [50]);
      await previews.show('Audit log', auditMarkdown(entries as Parameters<typeof auditMarkdown>[0]));
      return entries;
    }
    case 'specloom.listTemplates': {
      const templates = await send(args);
      await previews.show('Template packs', templatesMarkdown(templates as Parameters<typeof templatesMarkdown>[0]));
      return templates;
    }
    case 'specloom.validateWorkspace': {
      const result = (await send(args)) as { checked?: number } | undefined;
      void vscode.window.showInformationMessage(
        `Specloom: checked ${result?.checked ?? 0} spec file(s) in the workspace; findings are in the Problems panel.`,
      );
      return result;
    }
    default:
      return send(args);
  }
}

function activeSpec(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document?.uri.scheme === 'file' && vscode.languages.match({ pattern: SPEC_FILES }, document) > 0) {
    return document.uri.toString();
  }
  void vscode.window.showWarningMessage('Specloom: open a spec file (OpenAPI, GraphQL, ADR or user story) first.');
  return undefined;
}

function basename(uri: string): string {
  return decodeURIComponent(uri.split('/').pop() ?? uri);
}

function showProgress(owner: LanguageClient, token: string | number): void {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let report: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  let reported = 0;
  const subscription = owner.onProgress(WorkDoneProgress.type, token, (value) => {
    if (client === owner) {
      setStatus(withProgress(status, value));
    }
    if (value.kind === 'begin') {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: value.title, cancellable: value.cancellable },
        (progress, cancel) => {
          report = progress;
          cancel.onCancellationRequested(() => void owner.sendNotification(WorkDoneProgressCancelNotification.type, { token }));
          return done;
        },
      );
    } else if (value.kind === 'end') {
      subscription.dispose();
      finish();
      return;
    }
    const increment = value.percentage === undefined ? undefined : Math.max(0, value.percentage - reported);
    reported = value.percentage ?? reported;
    report?.report({ message: value.message, increment });
  });
}

async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  try {
    const api = await pythonApi();
    return api?.environments?.getActiveEnvironmentPath?.(resource)?.path;
  } catch (e) {
    output.appendLine(`The Python extension did not say which interpreter is selected: ${e}`);
    return undefined;
  }
}

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

async function pythonApi(): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (extension === undefined) {
    return undefined;
  }
  return extension.isActive ? extension.exports : await extension.activate();
}

async function watchPythonExtension(context: vscode.ExtensionContext): Promise<void> {
  try {
    const event = (await pythonApi())?.environments?.onDidChangeActiveEnvironmentPath;
    if (event !== undefined) {
      context.subscriptions.push(
        event(() => {
          if (!vscode.workspace.getConfiguration('specloom').get<string>('server.pythonPath')) {
            void restart(); // the selected interpreter is the one in use
          }
        }),
      );
    }
  } catch (e) {
    output.appendLine(`Not following the Python extension's interpreter: ${e}`);
  }
}

/** Read-only Markdown documents under `specloom-preview:`, shown with the built-in Markdown preview. */
class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async show(title: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${title}.md` });
    this.texts.set(uri.toString(), markdown);
    this.changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }
}
