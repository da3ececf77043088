// What the status bar says about the server and the latest generation. No vscode import: unit-tested.

export type ServerState = 'starting' | 'running' | 'stopped' | 'error';

export interface Progress {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

export interface Outcome {
  outcome?: string;
  exit_code?: number;
  message?: string;
  delivery?: { written?: string[] } | null;
}

export interface Status {
  server: ServerState;
  detail?: string; // why the server is stopped or failed
  generating?: { percentage?: number; message?: string };
  last?: { ok: boolean; summary: string };
}

export function withProgress(status: Status, progress: Progress): Status {
  if (progress.kind === 'end') {
    // The command's answer (generationFinished) says how it ended; until then keep the last step.
    return status;
  }
  const previous = status.generating ?? {};
  return {
    ...status,
    generating: {
      percentage: progress.percentage ?? previous.percentage,
      message: progress.message ?? previous.message,
    },
  };
}

export function generationStarted(status: Status): Status {
  return { ...status, generating: { percentage: 0, message: 'starting' }, last: undefined };
}

export function generationFinished(status: Status, outcome: Outcome | undefined, error?: string): Status {
  const ok = error === undefined && outcome?.exit_code === 0;
  let summary: string;
  if (error !== undefined) {
    summary = `generation failed: ${error}`;
  } else if (ok) {
    const written = outcome?.delivery?.written?.length ?? 0;
    summary = written === 0 ? 'generated, nothing changed' : `generated ${written} file${written === 1 ? '' : 's'}`;
  } else {
    summary = (outcome?.outcome ?? 'error').replace(/_/g, ' ');
  }
  return { ...status, generating: undefined, last: { ok, summary } };
}

export function statusText(status: Status): { text: string; tooltip: string } {
  if (status.generating) {
    const percent = status.generating.percentage === undefined ? '' : ` ${Math.round(status.generating.percentage)}%`;
    const step = status.generating.message ? ` · ${status.generating.message}` : '';
    return { text: `$(sync~spin) Specloom: generating${percent}${step}`, tooltip: 'A generation is running.' };
  }
  switch (status.server) {
    case 'starting':
      return { text: '$(loading~spin) Specloom: starting', tooltip: 'The Specloom language server is starting.' };
    case 'stopped':
      return { text: '$(circle-slash) Specloom: stopped', tooltip: status.detail ?? 'The language server is not running.' };
    case 'error':
      return { text: '$(error) Specloom: error', tooltip: status.detail ?? 'The language server failed; see its output.' };
    case 'running':
      if (status.last) {
        const icon = status.last.ok ? '$(check)' : '$(warning)';
        return { text: `${icon} Specloom: ${status.last.summary}`, tooltip: 'The last generation. Click for the server log.' };
      }
      return { text: '$(check) Specloom', tooltip: 'The Specloom language server is running. Click for its log.' };
  }
}
