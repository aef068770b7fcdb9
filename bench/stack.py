"""The production stack of the load and fault scripts, started on loopback and stopped
by them: a fresh PostgreSQL database, a Redis server of their own (never the machine's
shared 6379), gunicorn and a Celery worker. Bounded: every wait has a timeout."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


class Stack:
    def __init__(
        self, *, name: str, redis_port: int, http_port: int, database: str = "", redis_url: str = ""
    ):
        """``database``: the name of the database created afresh (default
        ``academie_bench_<name>``, from the shared template ``academie_bench_template``; a
        name of one's own gets a template of its own too). ``redis_url``: an existing Redis
        database to use instead of starting one (then it can be neither killed nor
        restarted)."""
        self.name = name
        self.db_name = database or f"academie_bench_{name}"
        self.template_name = f"{database}_template" if database else "academie_bench_template"
        self.external_redis = redis_url
        self.redis_port = redis_port
        self.http_port = http_port
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"academie-bench-{name}-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=f"{PG}/{self.db_name}",
            REDIS_URL=redis_url or f"redis://127.0.0.1:{redis_port}/0",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DEBUG="0",
            SECURE_SSL_REDIRECT="0",
            ACADEMIE_DATA_DIR=str(self.data_dir),
            # Shared by the runs: collectstatic copies only what changed.
            STATIC_ROOT=str(BASE_DIR / "var" / "bench-static"),
            DJANGO_SETTINGS_MODULE="academy.settings.base",
            PYTHONPATH=str(BASE_DIR),
        )

    # -- database ---------------------------------------------------------------------
    def fresh_database(self) -> None:
        """A fresh copy of a migrated template database (migrating from zero takes
        minutes on a busy machine; the template is migrated only when it is behind)."""
        import psycopg

        template = self.template_name
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (template,)
            ).fetchone():
                conn.execute(f'CREATE DATABASE "{template}"')
        env = {**self.env, "DATABASE_URL": f"{PG}/{template}"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}" TEMPLATE "{template}"')

    def django(self):
        """Sets this process up as a Django client of the stack (migrated)."""
        os.environ.update(self.env)
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        import logging

        from django.core.management import call_command

        logging.getLogger().setLevel(logging.WARNING)  # the bench prints its own figures
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("certificate_fonts", verbosity=0)

    # -- processes --------------------------------------------------------------------
    def _spawn(self, key: str, argv: list[str], log: str) -> subprocess.Popen:
        out = open(self.data_dir / log, "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[key] = process
        return process

    def start_redis(self) -> None:
        if self.external_redis:
            import redis

            redis.Redis.from_url(self.external_redis, socket_timeout=5).flushdb()
            return
        if self._redis_ping():
            raise SystemExit(
                f"port {self.redis_port} is taken: a Redis of this script's own is needed"
            )
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.data_dir),
            ],
            "redis.log",
        )
        self._wait(lambda: self._redis_ping(), 20, "redis")

    def _redis_ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.redis_port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def start_gunicorn(self, workers: int = 2, threads: int = 4) -> None:
        self._spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "academy.wsgi:application",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{self.http_port}",
                "--backlog",
                "512",
                # Longer than a learner's pause between two requests (think time up to 2 s
                # by default): with gunicorn's 2 s, the server closed kept-alive connections
                # as the learner sent its next request on them (connection reset, a POST
                # lost). Idle kept-alive connections hold no gthread worker thread.
                "--keep-alive",
                "15",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            "gunicorn.log",
        )
        self._wait(lambda: self._http_ok("/fr/accounts/login/"), 60, "gunicorn")

    def _http_ok(self, path: str) -> bool:
        import http.client

        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
            conn.request("GET", path)
            return conn.getresponse().status == 200
        except OSError:
            return False

    def start_worker(self, concurrency: int = 2) -> subprocess.Popen:
        return self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "academy",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            "worker.log",
        )

    def kill(self, key: str, sig=signal.SIGKILL) -> None:
        process = self.processes.pop(key, None)
        if process is None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def stop_on_sigterm(self) -> None:
        """A SIGTERM (e.g. ``timeout``) stops the stack too, not only this process."""

        def handler(signum, frame):
            raise SystemExit(f"stopped by signal {signum}")

        signal.signal(signal.SIGTERM, handler)

    def stop(self) -> None:
        for key in list(self.processes):
            self.kill(key, signal.SIGTERM)

    @staticmethod
    def _wait(predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        raise SystemExit(f"{what} did not start within {timeout}s")


def wait_until(predicate, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def bench_course(*, lessons: int = 3):
    """A live course that awards a certificate: ``lessons`` text lessons (complete on
    visit) and a one-question final assessment (true/false, answer "true")."""
    from tests.learners import factories

    return factories.course_tree(modules=((True, lessons),), final=True, awards_certificate=True)


def learners_create(count: int, *, prefix: str, password: str):
    """``count`` active learners sharing one password hash (hashed once: PBKDF2 is slow)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    hashed = make_password(password)
    User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{i:04d}",
                email=f"{prefix}{i:04d}@example.org",
                password=hashed,
                first_name="Bench",
                last_name=f"Learner {i}",
                preferred_language="fr",
            )
            for i in range(count)
        ]
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("username"))


@contextmanager
def gunicorn_served(
    *,
    env: dict,
    port: int,
    ready_path: str,
    ready=lambda status: status < 500,
    headers: dict | None = None,
    workers: int = 2,
    timeout: float = 60,
):
    """gunicorn (``workers`` sync workers) on 127.0.0.1:``port`` with ``env``, for the
    scripts that bring their own database (pages, weight): yields once ``ready_path``
    answers a status ``ready`` accepts, stops the server's whole process group after."""
    import http.client

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "academy.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", ready_path, headers=headers or {})
                if ready(conn.getresponse().status):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn did not answer on {ready_path} within {timeout}s")
            time.sleep(0.3)
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
