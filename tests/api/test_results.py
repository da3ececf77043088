"""The result store (real SQLite): every read scoped by tenant, a job ends once, pending jobs of a stopped API fail."""

from __future__ import annotations

from pathlib import Path

from specloom.api.results import ResultStore


def test_a_tenant_cannot_read_another_tenants_job(tmp_path: Path):
    store = ResultStore(tmp_path / "results.db")
    store.create("job-1", "acme", "alice", {"tenant_id": "acme"})
    store.finish("job-1", "succeeded", {"status": "succeeded"})
    assert store.get("acme", "job-1").result == {"status": "succeeded"}
    assert store.get("globex", "job-1") is None
    assert store.list("globex") == [] and [j.id for j in store.list("acme")] == ["job-1"]


def test_a_finished_job_is_not_started_or_finished_again(tmp_path: Path):
    store = ResultStore(tmp_path / "results.db")
    store.create("job-1", "acme", "alice", {})
    assert store.start("job-1").attempts == 1
    assert store.start("job-1").attempts == 2  # a re-run after a worker died
    store.finish("job-1", "succeeded", {"n": 1})
    assert store.start("job-1") is None
    store.finish("job-1", "failed", {"n": 2})
    assert store.get("acme", "job-1").status == "succeeded" and store.get("acme", "job-1").result == {"n": 1}


def test_jobs_left_pending_fail_with_the_reason_and_a_second_process_sees_them(tmp_path: Path):
    first = ResultStore(tmp_path / "results.db")
    first.create("queued", "acme", "alice", {})
    first.create("running", "acme", "alice", {})
    first.start("running")
    first.close()
    second = ResultStore(tmp_path / "results.db")
    assert second.fail_interrupted(lambda job: {"error": f"{job.id} interrupted"}) == 2
    assert second.get("acme", "running").status == "failed"
    assert second.get("acme", "queued").result == {"error": "queued interrupted"}
