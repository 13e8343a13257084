#!/usr/bin/env python3
"""Reporting and publishing at scale (issue 15): response times of the
statistics, backlog, overview, DCAT and expected-dates endpoints over a
database of CASES cases (default 100,000).

It seeds the scratch database `bench_reporting` once with
scripts/bench-seed.sql (the set-based seed of `make bench-api`) and
scripts/bench-reporting-seed.sql (completeness events, deliveries), serves it
from the release binary, and times each request RUNS times (default 7) with
one client, after one warm-up; it prints the median and the slowest. Each
request answers in full (200, no If-None-Match). The reads computed from
the case histories are timed twice: "cold", with a new case event written
before each request (so the server reads that case's history again, as
after any change to a case), and "warm" (no change since the last read: the
histories kept in memory). The server reads every history once when it
starts (in the background); the script waits for its log line and prints
how long that read took and the server's resident memory then (VmRSS, and
its peak VmHWM), then times the first request after it and one
after a change to a custodian (which reads no history again: the codes the
histories carry never change). Nothing here asserts: the figures go to
docs/benchmarks.md.

Environment: ADMIN_URL (postgres://user@host:port, no database), HDS (the
release binary), CASES, RUNS, PORT (18093).
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB = "bench_reporting"
ADMIN_URL = os.environ.get("ADMIN_URL", "")
HDS = os.environ.get("HDS", os.path.join(ROOT, "target", "release", "hds"))
CASES = int(os.environ.get("CASES", "100000"))
RUNS = int(os.environ.get("RUNS", "7"))
PORT = int(os.environ.get("PORT", "18093"))


def die(message):
    print(f"bench-reporting: {message}", file=sys.stderr)
    sys.exit(1)


def db_url(db=DB):
    return f"{ADMIN_URL}/{db}"


def psql(sql, db=DB):
    out = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-c", sql, db_url(db)],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def ensure_database():
    exists = psql(f"SELECT count(*) FROM pg_database WHERE datname = '{DB}'", db="postgres") == "1"
    if not exists:
        psql(f"CREATE DATABASE {DB}", db="postgres")
        env = dict(os.environ, DATABASE_URL=db_url(), RUST_LOG="warn")
        subprocess.run([HDS, "migrate"], check=True, env=env, capture_output=True)
        subprocess.run([HDS, "seed"], check=True, env=env, capture_output=True)
    have = int(psql("SELECT count(*) FROM cases"))
    if have < CASES:
        started = time.time()
        print(f"seeding {CASES - have} cases ...", flush=True)
        subprocess.run(["psql", "-X", "-q", "-v", f"first={have + 1}", "-v", f"cases={CASES - have}",
                        "-f", os.path.join(ROOT, "scripts", "bench-seed.sql"), db_url()], check=True)
        subprocess.run(["psql", "-X", "-q", "-f",
                        os.path.join(ROOT, "scripts", "bench-reporting-seed.sql"), db_url()], check=True)
        psql("VACUUM ANALYZE")
        print(f"seeded in {time.time() - started:.0f} s", flush=True)
    print("database:", psql(
        "SELECT (SELECT count(*) FROM cases) || ' cases, ' || (SELECT count(*) FROM case_events)"
        " || ' case events, ' || (SELECT count(*) FROM task_deliveries) || ' deliveries, '"
        " || pg_size_pretty(pg_database_size(current_database()))"), flush=True)


def memory(pid):
    """The resident memory of a process and its peak so far (VmRSS, VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return tuple(int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))


def get(url, headers):
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, time.perf_counter() - started, len(body), body


def main():
    if not ADMIN_URL:
        die("set ADMIN_URL (make bench-reporting does)")
    for tool in ("psql",):
        if shutil.which(tool) is None:
            die(f"needs {tool}")
    ensure_database()
    local = tempfile.mkdtemp(prefix="hds-bench-reporting-")
    env = dict(os.environ, DATABASE_URL=db_url(), HDS_BIND=f"127.0.0.1:{PORT}",
               HDS_LOCAL_DIR=local, HDS_DEV_KEY_PATH=os.path.join(local, "dev-key.pem"),
               RUST_LOG="warn,hds_api::warm_up=info")
    log = open(os.path.join(local, "serve.log"), "w")
    server = subprocess.Popen([HDS, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/health/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        else:
            die("the server did not become ready")

        def token(*args):
            return subprocess.run([HDS, "dev-token", *args], env=env, check=True,
                                  capture_output=True, text=True).stdout.strip()

        staff = {"Authorization": f"Bearer {token('--role', 'CASE_HANDLER')}"}
        fhi = {"Authorization": f"Bearer {token('--role', 'CUSTODIAN', '--org', '983744516')}"}
        case_id = psql("SELECT id FROM cases ORDER BY received_on DESC, case_number DESC LIMIT 1")
        task_id = psql(f"SELECT id FROM custodian_tasks WHERE case_id = '{case_id}' "
                       "AND custodian_id = (SELECT id FROM custodians WHERE orgnr = '983744516') LIMIT 1")
        year = psql("SELECT extract(year FROM max(received_on))::int FROM cases")
        csv = dict(staff, Accept="text/csv")
        touch = ("INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant,"
                 " status_before, status_after, data) SELECT id, 'NOTE_ADDED', now(), 'bench', false,"
                 f" status, status, '{{}}' FROM cases WHERE id = '{case_id}'")
        requests = [
            ("statistics, a year, JSON", f"/api/v1/statistics?period={year}", staff),
            ("statistics, a year, 4 dimensions", f"/api/v1/statistics?period={year}"
             "&dimension=DATA_SOURCE,CUSTODIAN,PURPOSE,DECISION_AUTHORITY", staff),
            ("statistics, a year, 4 dimensions, CSV", f"/api/v1/statistics?period={year}"
             "&dimension=DATA_SOURCE,CUSTODIAN,PURPOSE,DECISION_AUTHORITY&bom=true", csv),
            ("backlog today, 4 dimensions", "/api/v1/statistics/backlog"
             "?dimension=DATA_SOURCE,CUSTODIAN,PURPOSE,DECISION_AUTHORITY", staff),
            ("overview, first page", "/api/v1/granted-access", {}),
            ("overview, search", "/api/v1/granted-access?q=f%C3%B8dselsvekt&dataSource=MFR", {}),
            ("overview, CSV (every entry)", "/api/v1/granted-access", {"Accept": "text/csv"}),
            ("DCAT catalogue, JSON-LD", "/api/v1/dcat/catalog", {}),
            ("expected dates, case (staff)", f"/api/v1/cases/{case_id}/expected-dates", staff),
            ("expected dates, task (custodian)", f"/api/v1/tasks/{task_id}/expected-dates", fhi),
        ]
        print(f"{'request':45} {'status':>6} {'bytes':>10} {'median ms':>10} {'max ms':>8}")
        def timed(name, path, headers, before=None):
            get(base + path, headers)  # warm-up
            times, status, size = [], 0, 0
            for _ in range(RUNS):
                if before:
                    psql(before)
                status, seconds, size, _ = get(base + path, headers)
                times.append(seconds * 1000)
            print(f"{name:45} {status:>6} {size:>10} {statistics.median(times):>10.0f} {max(times):>8.0f}",
                  flush=True)

        custodian = ("UPDATE custodians SET updated_at = now(), version = version + 1"
                     " WHERE id = (SELECT id FROM custodians ORDER BY code LIMIT 1)")
        first = requests[0]
        for _ in range(600):
            log.flush()
            with open(os.path.join(local, "serve.log")) as f:
                read = re.search(r"case histories read for the statistics: (\d+) cases in (\d+) ms",
                                 f.read())
            if read:
                print(f"{'every history read at start (background)':45} {'':>6} {read[1] + ' cases':>10}"
                      f" {int(read[2]):>10}", flush=True)
                rss, peak = memory(server.pid)
                print(f"server RSS after the start-up read: {rss} MB, peak {peak} MB", flush=True)
                break
            time.sleep(0.2)
        else:
            die("the server did not read the histories at start")
        status, seconds, size, _ = get(base + first[1], first[2])
        print(f"{first[0] + ' (first read after start)':45} {status:>6} {size:>10} {seconds * 1000:>10.0f}",
              flush=True)
        timed(first[0] + " (a custodian changed)", first[1], first[2], before=custodian)
        for name, path, headers in requests:
            from_histories = "statistics" in path or "expected" in path
            if from_histories:
                timed(name + " (cold)", path, headers, before=touch)
                timed(name + " (warm)", path, headers)
            else:
                timed(name, path, headers)
        rss, peak = memory(server.pid)
        print(f"server RSS after the run (histories of {CASES} cases in memory): {rss} MB,"
              f" peak {peak} MB", flush=True)
        status, _, _, body = get(base + f"/api/v1/statistics?period={year}", staff)
        overall = json.loads(body)["overall"] if status == 200 else {}
        print("figures of", year, "overall:", json.dumps(
            {k: overall.get(k) for k in ("received", "completed", "decided", "dataMadeAvailable")}))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(local, ignore_errors=True)


if __name__ == "__main__":
    main()
