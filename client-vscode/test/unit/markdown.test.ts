import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditMarkdown, planMarkdown, templatesMarkdown } from '../../src/markdown';

test('a plan preview lists each planned file with its purpose, producer and source', () => {
  const text = planMarkdown({
    spec: '/ws/api/bookstore.yaml',
    kind: 'openapi',
    language: 'python',
    framework: 'fastapi',
    files: [
      { path: 'bookstore/app.py', purpose: 'source', producer: 'template:python-fastapi@1.0.0', sources: [{ pointer: '#/paths/~1books~1{bookId}/get' }, { pointer: '#/components/schemas/Book' }] },
      { path: 'tests/test_books.py', purpose: 'test', producer: 'ai', sources: [] },
    ],
    notes: ['listBooks: pagination is not implemented by templates'],
  });
  assert.match(text, /^# Plan for bookstore.yaml\n/);
  assert.match(text, /`\/ws\/api\/bookstore.yaml`: openapi spec → python \/ fastapi, 2 files/);
  // Sources read as the spec names them, not as escaped JSON pointers.
  assert.match(text, /\| `bookstore\/app.py` \| source \| template:python-fastapi@1.0.0 \| GET \/books\/\{bookId\}, Book \|/);
  assert.match(text, /\| `tests\/test_books.py` \| test \| ai \| — \|/);
  assert.match(text, /## Notes\n\n- listBooks: pagination/);
});

test('the audit log shows who generated what, with its outcome, newest first', () => {
  const text = auditMarkdown([
    {
      seq: 2,
      record_id: 'r2',
      created_at: '2026-01-02T03:04:05.123456Z',
      user_id: 'e2e@example.com',
      tenant_id: 'default',
      kind: 'generate',
      outcome: 'gate_failed',
      spec_path: '/ws/a|b.yaml',
      delivered_files: {},
      gate_results: [{ gate: 'tests', passed: false }, { gate: 'lint', passed: true }],
    },
  ]);
  assert.match(text, /\| 2 \| 2026-01-02 03:04:05 \| e2e@example.com \| generate \| gate failed \| \/ws\/a\\\|b.yaml \| 0 \| tests \|/);
  assert.match(text, /- 2: `r2`/);
  assert.match(auditMarkdown([]), /No audit records yet/);
});

test('the template list shows packs and the ones refused', () => {
  const text = templatesMarkdown({
    packs: [{ ref: 'python-fastapi@1.0.0', language: 'python', framework: 'fastapi' }],
    refused: ['my-pack@0.1.0: template uses eval('],
  });
  assert.match(text, /\| `python-fastapi@1.0.0` \| python \| fastapi \|/);
  assert.match(text, /## Refused\n\n- my-pack@0.1.0/);
});
