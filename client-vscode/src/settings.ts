// The `specloom` settings the server reads through workspace/configuration (server/specloom/lsp/settings.py).

/** Keys the server knows; anything else in the section (server.pythonPath, trace.server) is the client's. */
export const SERVER_SETTINGS = [
  'outputDir',
  'language',
  'framework',
  'operations',
  'coverageThreshold',
  'testPython',
  'fallbackChain',
  'auditBackend',
  'auditPath',
  'user',
  'tenant',
  'adrFolders',
  'providers',
] as const;

export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * Only the settings the user set, most specific scope first. Defaults are left out so that
 * specloom.toml (which the server reads itself) is not overridden by values nobody chose.
 */
export function serverSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_SETTINGS) {
    const found = inspect(key);
    const value = found?.workspaceFolderValue ?? found?.workspaceValue ?? found?.globalValue;
    if (value !== undefined && value !== null) {
      out[key] = value;
    }
  }
  return out;
}
