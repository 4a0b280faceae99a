"""A real Celery worker for the tests that need one (CI provides Redis and PostgreSQL).

`celery_worker_factory(**env)` starts `celery -A portal worker` as a separate process on the
*test* database, listening on a queue of its own, and routes this process's tasks to that queue
(not in-process, not eager) until the test ends; then it stops the worker and deletes the queue.
The worker writes email as files into `worker.mail_dir` unless `PORTAL_EMAIL_URL` is given.

Tests using it need real commits (the worker is another process): the fixture pulls in
`transactional_db`. Without `CELERY_BROKER_URL` or PostgreSQL the test is skipped, which CI
counts as a failure. Import the fixtures in a conftest.py:
`from tests.worker import celery_worker, celery_worker_factory  # noqa: F401`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from portal.celery import app

STARTUP_SECONDS = 60
STOP_SECONDS = 20


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def sent_mail(self) -> list[str]:
        """The raw messages the worker's file email backend wrote, oldest first."""
        files = sorted(self.mail_dir.glob("*.log"), key=lambda path: path.stat().st_mtime)
        return [path.read_text(errors="replace") for path in files]


def wait_for(condition: Callable[[], object], *, timeout: float, message: str, worker=None):
    """Poll until `condition()` is truthy; fail with `message` (and the worker's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    log = f"\n--- worker log ---\n{worker.log()[-4000:]}" if worker else ""
    pytest.fail(f"{message} (waited {timeout:.0f} s){log}")


def _test_database_url() -> str:
    db = connection.settings_dict  # after django_db_setup: the test database (xdist-suffixed)
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def _celery_executable() -> str:
    candidate = Path(sys.executable).parent / "celery"
    return str(candidate) if candidate.exists() else str(settings.BASE_DIR / ".venv/bin/celery")


def _start(tmp_path: Path, env_overrides: dict[str, str]) -> Worker:
    queue = f"test-{uuid.uuid4().hex[:12]}"
    workdir = tmp_path / queue
    mail_dir = workdir / "mail"
    mail_dir.mkdir(parents=True)
    log_path = workdir / "worker.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PORTAL_DEBUG", "PORTAL_EMAIL_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            # The real settings (so the worker is not eager), in testing mode.
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_TESTING": "1",
            "DATABASE_URL": _test_database_url(),
            "PORTAL_DB_CONN_MAX_AGE": "0",
            "PORTAL_EMAIL_FILE_PATH": str(mail_dir),
            "PYTHONUNBUFFERED": "1",
            **env_overrides,
        }
    )
    command = [
        _celery_executable(),
        "-A",
        "portal",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(queue=queue, mail_dir=mail_dir, log_path=log_path, process=process)

    def ready():
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited with {process.returncode}:\n{worker.log()}")
        return f"{queue}@" in worker.log() and " ready." in worker.log()

    try:
        wait_for(
            ready, timeout=STARTUP_SECONDS, message="The Celery worker did not start", worker=worker
        )
    except BaseException:
        _stop(worker)
        raise
    return worker


def _stop(worker: Worker) -> None:
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)  # warm shutdown: unacked tasks go back
        try:
            worker.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=STOP_SECONDS)
    try:
        with app.connection_for_write() as conn:
            # Declared first so that virtual transports (Redis) know its bindings to remove.
            queue = Queue(worker.queue, Exchange(worker.queue), routing_key=worker.queue)
            bound = queue(conn.default_channel)
            bound.declare()
            bound.delete()
    except Exception:  # a leftover test queue in the broker is harmless
        pass


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path) -> Iterator[Callable[..., Worker]]:
    if not os.environ.get("CELERY_BROKER_URL") or connection.vendor != "postgresql":
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL")

    workers: list[Worker] = []
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)

    def start(**env_overrides: str) -> Worker:
        worker = _start(tmp_path, env_overrides)
        workers.append(worker)
        # This process now sends its tasks to the newest worker's queue, through the broker.
        app.conf.task_always_eager = False
        app.conf.task_default_queue = worker.queue
        return worker

    try:
        yield start
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        for worker in workers:
            _stop(worker)


@pytest.fixture
def celery_worker(celery_worker_factory) -> Worker:
    """A worker that delivers email into files under `worker.mail_dir`."""
    return celery_worker_factory()
