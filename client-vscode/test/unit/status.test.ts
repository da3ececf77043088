import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { generationFinished, generationStarted, Status, statusText, withProgress } from '../../src/status';

const running: Status = { server: 'running' };

test("the server's state is shown while no generation runs", () => {
  assert.equal(statusText({ server: 'starting' }).text, '$(loading~spin) Specloom: starting');
  assert.equal(statusText(running).text, '$(check) Specloom');
  assert.equal(statusText({ server: 'stopped' }).text, '$(circle-slash) Specloom: stopped');
  const failed = statusText({ server: 'error', detail: 'specloom is not installed in /usr/bin/python3' });
  assert.equal(failed.text, '$(error) Specloom: error');
  assert.equal(failed.tooltip, 'specloom is not installed in /usr/bin/python3');
});

test("a running generation shows the server's percentage and step", () => {
  let status = generationStarted(running);
  assert.equal(statusText(status).text, '$(sync~spin) Specloom: generating 0% · starting');
  status = withProgress(status, { kind: 'begin', title: 'Specloom: generating', percentage: 0 });
  status = withProgress(status, { kind: 'report', message: 'running the quality gates', percentage: 62.4 });
  assert.equal(statusText(status).text, '$(sync~spin) Specloom: generating 62% · running the quality gates');
  status = withProgress(status, { kind: 'report', percentage: 80 });
  assert.equal(statusText(status).text, '$(sync~spin) Specloom: generating 80% · running the quality gates');
  // The end of the progress is not yet the outcome: that comes with the command's answer.
  assert.match(statusText(withProgress(status, { kind: 'end', message: 'done' })).text, /generating 80%/);
});

test('a finished generation reports success with the files written, or what went wrong', () => {
  const busy = generationStarted(running);
  const delivered = { outcome: 'delivered', exit_code: 0, delivery: { written: ['a.py', 'b.py'] } };
  assert.equal(statusText(generationFinished(busy, delivered)).text, '$(check) Specloom: generated 2 files');
  const same = { outcome: 'delivered', exit_code: 0, delivery: { written: [] } };
  assert.equal(statusText(generationFinished(busy, same)).text, '$(check) Specloom: generated, nothing changed');
  const gates = { outcome: 'gate_failed', exit_code: 3 };
  assert.equal(statusText(generationFinished(busy, gates)).text, '$(warning) Specloom: gate failed');
  assert.equal(statusText(generationFinished(busy, undefined, 'connection lost')).text, '$(warning) Specloom: generation failed: connection lost');
});

test('a new generation clears the previous result', () => {
  const done = generationFinished(generationStarted(running), { outcome: 'delivered', exit_code: 0, delivery: { written: ['a'] } });
  assert.match(statusText(generationStarted(done)).text, /generating/);
  assert.equal(generationStarted(done).last, undefined);
});
