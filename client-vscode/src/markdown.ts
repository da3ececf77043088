// Markdown for the preview of what the server's commands return. No vscode import: unit-tested.

export interface Plan {
  spec: string;
  kind: string;
  language: string;
  framework: string | null;
  files: { path: string; purpose: string; producer: string; sources: { pointer: string }[] }[];
  notes: string[];
}

export interface AuditEntry {
  seq: number;
  record_id: string;
  created_at: string;
  user_id: string;
  tenant_id: string;
  kind: string;
  outcome: string;
  spec_path?: string | null;
  delivered_files?: Record<string, string>;
  gate_results?: { gate?: string; passed?: boolean }[];
}

export interface Templates {
  packs: { ref: string; language: string; framework: string | null }[];
  refused: string[];
}

function cell(value: unknown): string {
  return String(value ?? '—').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(value: string): string {
  return '`' + value.replace(/`/g, "'") + '`';
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** A JSON pointer as people name the spec element: `#/paths/~1books/get` → `GET /books`. */
export function describePointer(pointer: string): string {
  const parts = pointer.replace(/^#?\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'paths' && parts.length === 3 && METHODS.has(parts[2])) {
    return `${parts[2].toUpperCase()} ${parts[1]}`;
  }
  if (parts[0] === 'components' && parts.length === 3) {
    return parts[2];
  }
  return parts.join(' › ') || '(whole spec)';
}

export function planMarkdown(plan: Plan): string {
  const target = plan.framework ? `${plan.language} / ${plan.framework}` : plan.language;
  const name = plan.spec.split(/[\\/]/).pop() ?? plan.spec;
  const lines = [
    `# Plan for ${name}`,
    '',
    `${code(plan.spec)}: ${plan.kind} spec → ${target}, ${plan.files.length} file${plan.files.length === 1 ? '' : 's'}.`,
    '',
    '| File | Purpose | Producer | From |',
    '| --- | --- | --- | --- |',
    ...plan.files.map(
      (f) =>
        `| ${cell(code(f.path))} | ${cell(f.purpose)} | ${cell(f.producer)} | ${cell([...new Set(f.sources.map((s) => describePointer(s.pointer)))].join(', ') || '—')} |`,
    ),
  ];
  if (plan.notes.length > 0) {
    lines.push('', '## Notes', '', ...plan.notes.map((n) => `- ${n}`));
  }
  return lines.join('\n') + '\n';
}

export function auditMarkdown(entries: AuditEntry[]): string {
  if (entries.length === 0) {
    return '# Specloom audit log\n\nNo audit records yet: every generation adds one.\n';
  }
  const lines = [
    '# Specloom audit log',
    '',
    `${entries.length} record${entries.length === 1 ? '' : 's'}, newest first.`,
    '',
    '| # | When (UTC) | User | Kind | Outcome | Spec | Files | Gates failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of entries) {
    const failed = (e.gate_results ?? []).filter((g) => g.passed === false).map((g) => g.gate);
    lines.push(
      `| ${e.seq} | ${cell(e.created_at.slice(0, 19).replace('T', ' '))} | ${cell(e.user_id)} | ${cell(e.kind)} | ` +
        `${cell(e.outcome.replace(/_/g, ' '))} | ${cell(e.spec_path)} | ${Object.keys(e.delivered_files ?? {}).length} | ` +
        `${cell(failed.join(', ') || '—')} |`,
    );
  }
  lines.push('', 'Details: `specloom audit show <record id>`; record ids:', '');
  lines.push(...entries.map((e) => `- ${e.seq}: ${code(e.record_id)}`));
  return lines.join('\n') + '\n';
}

export function templatesMarkdown(templates: Templates): string {
  const lines = ['# Specloom template packs', ''];
  if (templates.packs.length === 0) {
    lines.push('No template pack was found.');
  } else {
    lines.push('| Pack | Language | Framework |', '| --- | --- | --- |');
    lines.push(...templates.packs.map((p) => `| ${cell(code(p.ref))} | ${cell(p.language)} | ${cell(p.framework)} |`));
  }
  if (templates.refused.length > 0) {
    lines.push('', '## Refused', '', ...templates.refused.map((r) => `- ${r}`));
  }
  return lines.join('\n') + '\n';
}
