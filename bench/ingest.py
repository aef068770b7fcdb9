"""Learning-record ingestion: xAPI statements per second, single and batched posts.

    uv run python bench/ingest.py [--seconds 8] [--connections 8] [--batch 50] [--workers 4]

Production profile: PostgreSQL database ``academie_bench`` (created if missing, migrated),
Redis, the project served by gunicorn on 127.0.0.1. Bounded loopback load: a fixed number
of client processes, each with one connection, each waiting for its answer before sending
the next request, for a fixed time per phase.

Phases, in the same run against the same server:
  floor   a bare Django JSON endpoint doing one INSERT (no authentication, no validation)
  single  POST /api/xapi/statements with one statement (token authentication)
  batch   POST /api/xapi/statements with an array of ``--batch`` statements
At the end every acknowledged statement id is looked up in the database: zero lost.
Targets: batched >= 1000 statements/s; single >= 0.6 x floor requests/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DB_NAME = "academie_bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
TARGET_BATCH_PER_S = 1000
TARGET_SINGLE_RATIO = 0.6


def bench_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="ingest_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH_DIR), str(BASE_DIR), env.get("PYTHONPATH", "")]),
    )
    return env


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            print(f"created database {DB_NAME}")


def prepare(connections: int) -> list[str]:
    """Migrate, create the floor table and one user + API token per connection."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=bench_env(),
        check=True,
    )
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, statement_id uuid NOT NULL, body jsonb NOT NULL)"
        )
        conn.execute("TRUNCATE bench_floor")
        conn.execute(
            "DELETE FROM learners_statement WHERE user_id IN "
            "(SELECT id FROM accounts_user WHERE username LIKE 'bench.ingest.%%')"
        )
    script = (
        "import json,sys\n"
        "from academy.accounts.models import User\n"
        "from rest_framework.authtoken.models import Token\n"
        "keys=[]\n"
        f"for i in range({connections}):\n"
        "    u,_=User.objects.get_or_create(username=f'bench.ingest.{i}', defaults={'first_name':'Bench','last_name':str(i)})\n"
        "    keys.append(Token.objects.get_or_create(user=u)[0].key)\n"
        "print(json.dumps(keys))\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=bench_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "academy.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--access-logfile",
        "-" if False else "/dev/null",
    ]
    proc = subprocess.Popen(cmd, cwd=BASE_DIR, env=bench_env(), start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def statement(n: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:bench@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://bench.example.org/activities/q{n % 20}",
            "definition": {
                "name": {"fr": "Question"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            },
        },
        "result": {
            "score": {"raw": 3, "min": 0, "max": 4, "scaled": 0.75},
            "success": True,
            "completion": True,
            "duration": "PT12S",
        },
        "timestamp": "2026-11-22T10:00:00Z",
    }


def client(args):
    """One connection: send requests back to back until the deadline → (ok, errors, ids)."""
    port, phase, token, batch, start_at, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
    if phase != "floor":
        headers["Authorization"] = f"Token {token}"
    path = "/bench/floor" if phase == "floor" else "/api/xapi/statements"
    ok = errors = 0
    ids: list[str] = []
    latencies: list[float] = []
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + seconds
    n = 0
    while time.time() < end:
        if phase == "batch":
            payload = [statement(n + k) for k in range(batch)]
            sent = [s["id"] for s in payload]
        else:
            payload = statement(n)
            sent = [payload["id"]]
        n += len(sent)
        body = json.dumps(payload)
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            continue
        latencies.append(time.perf_counter() - t0)
        if response.status == 200 and json.loads(data) == sent:
            ok += 1
            if phase != "floor":
                ids.extend(sent)
        else:
            errors += 1
    conn.close()
    return ok, errors, ids, latencies


def run_phase(pool, port, phase, tokens, batch, seconds) -> dict:
    start_at = time.time() + 0.5
    jobs = [(port, phase, token, batch, start_at, seconds) for token in tokens]
    results = pool.map(client, jobs)
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    ids = [i for r in results for i in r[2]]
    latencies = sorted(lat for r in results for lat in r[3])
    per_request = batch if phase == "batch" else 1
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return {
        "phase": phase,
        "requests": ok,
        "errors": errors,
        "ids": ids,
        "req_s": ok / seconds,
        "stmt_s": ok * per_request / seconds,
        "p99_ms": p99,
    }


def count_stored(ids: list[str]) -> int:
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        conn.execute("CREATE TEMP TABLE sent (id uuid PRIMARY KEY)")
        with conn.cursor().copy("COPY sent (id) FROM STDIN") as copy:
            for statement_id in ids:
                copy.write_row([statement_id])
        return conn.execute(
            "SELECT count(*) FROM sent JOIN learners_statement s ON s.statement_id = sent.id"
        ).fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each phase")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="floor/single/batch rounds, interleaved; the median of each phase is kept",
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--batch", type=int, default=50, help="statements per batched request")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()

    ensure_database()
    tokens = prepare(args.connections)
    port = free_port()
    server = start_server(port, args.workers)
    results = []
    try:
        with mp.Pool(args.connections) as pool:
            # warm-up: every worker connects to the database and imports everything
            run_phase(pool, port, "floor", tokens, args.batch, 1.0)
            run_phase(pool, port, "single", tokens, args.batch, 1.0)
            # Interleaved rounds: the floor and the endpoint see the same machine load.
            for _round in range(args.rounds):
                for phase in ("floor", "single", "batch"):
                    results.append(run_phase(pool, port, phase, tokens, args.batch, args.seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)

    acknowledged = [i for r in results for i in r["ids"]]
    # warm-up statements are stored too; count only the measured ones
    stored = count_stored(acknowledged)
    print(
        f"\nxAPI ingestion · gunicorn {args.workers} sync workers · {args.connections} connections · "
        f"{args.rounds} rounds × {args.seconds:g} s per phase · PostgreSQL {DB_NAME}"
    )
    print(
        f"{'round':<7}{'phase':<8}{'requests/s':>12}{'statements/s':>14}{'p99 ms':>9}{'errors':>8}"
    )
    for n, r in enumerate(results):
        print(
            f"{n // 3 + 1:<7}{r['phase']:<8}{r['req_s']:>12.1f}{r['stmt_s']:>14.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}"
        )

    def median(phase):
        runs = sorted((r for r in results if r["phase"] == phase), key=lambda r: r["req_s"])
        return runs[len(runs) // 2]

    floor, single, batch = median("floor"), median("single"), median("batch")
    print(
        f"median  floor {floor['req_s']:.1f} req/s · single {single['req_s']:.1f} req/s · "
        f"batch {batch['stmt_s']:.0f} statements/s"
    )
    ratio = single["req_s"] / floor["req_s"] if floor["req_s"] else 0.0
    lost = len(acknowledged) - stored
    print(f"single / floor = {ratio:.2f} (target >= {TARGET_SINGLE_RATIO})")
    print(f"batched = {batch['stmt_s']:.0f} statements/s (target >= {TARGET_BATCH_PER_S})")
    print(f"acknowledged {len(acknowledged)} statements, stored {stored}, lost {lost}")
    ok = (
        ratio >= TARGET_SINGLE_RATIO
        and batch["stmt_s"] >= TARGET_BATCH_PER_S
        and lost == 0
        and not any(r["errors"] for r in results)
    )
    print("RESULT:", "targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
