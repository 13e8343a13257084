#!/usr/bin/env python3
"""BENCH ONLY. `make bench-api`: the API against PostgreSQL itself, side by side.

For each scale (cases in the database; SCALES, default 10000 100000 1000000)
it grows the scratch database `bench_api` with scripts/bench-seed.sql, serves
it from the release build, and measures each request of issue 16 against
pgbench running the same SQL statements (`-M prepared`), in alternating runs:
API, pgbench, API, pgbench, ... (PAIRS pairs of DURATION seconds, 16
connections). It prints each pair's ratio (API requests per second over
pgbench transactions per second, one transaction being the statements of one
request), the median ratio, the server's largest RSS under load and the load
average of the machine.

The pgbench scripts (scripts/bench-api/*.sql) are written by hand from the
statements the server sends. Before measuring, the runner checks that: it
serves one request of each kind from a server whose database sessions log
every statement (log_statement=all), runs each pgbench script once the same
way, and compares the two statement lists from PostgreSQL's own log. A
difference is printed (and stops the run unless it is one of the documented
ones, see docs/benchmarks.md).

Environment: ADMIN_URL (postgres://user@host:port, no database), HDS (the
release binary), SCALES, PAIRS (3), DURATION (10), CONNECTIONS (16),
SCENARIOS (poll304 poll200 pollfirst catalogue journey), PORT (18099),
RESULTS (target/bench-api), CHECK_ONLY=1 (only compare the statements).
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DB = "bench_api"
FHI = "983744516"
APPLICANT_PID = "15058510170"  # the dev issuer's default person
SEED_OWNER = "15058550040"  # owner of the seeded applications
LIST_PATH = "/api/v1/tasks?state=ASSIGNED,ACKNOWLEDGED,IN_PREPARATION&limit=50"
ALL_SCENARIOS = ["poll304", "poll200", "pollfirst", "catalogue", "journey"]
TITLES = {
    "poll304": "custodian task list poll, unchanged (304)",
    "poll200": "the same poll after a change (200, 50 tasks)",
    "pollfirst": "the same list, first poll (no ETag: 200, 50 tasks)",
    "catalogue": "catalogue data-sources, first page",
    "journey": "create draft + upload attachment + submit",
}


def env(name, default):
    value = os.environ.get(name, "").strip()
    return value if value else default


ADMIN_URL = env("ADMIN_URL", "")
HDS = env("HDS", os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR", "target"), "release", "hds"))
SCALES = [int(s) for s in env("SCALES", "10000 100000 1000000").split()]
PAIRS = int(env("PAIRS", "3"))
DURATION = int(env("DURATION", "10"))
CONNECTIONS = int(env("CONNECTIONS", "16"))
SCENARIOS = env("SCENARIOS", " ".join(ALL_SCENARIOS)).split()
PORT = int(env("PORT", "18099"))
RESULTS = env("RESULTS", os.path.join(ROOT, "target", "bench-api"))


def die(message):
    print(f"bench-api: {message}", file=sys.stderr)
    sys.exit(1)


def need_tools():
    missing = [t for t in ("wrk", "pgbench", "psql") if shutil.which(t) is None]
    if missing:
        die(
            "missing " + ", ".join(missing) + ": install them with "
            "`apt-get install -y wrk postgresql-client` (pgbench and psql come with the "
            "PostgreSQL client; on Debian also in postgresql-15)"
        )
    if not os.path.exists(HDS):
        die(f"no release build at {HDS}: run `cargo build --release --bin hds`")
    if not ADMIN_URL:
        die("ADMIN_URL is not set (make bench-api sets it)")


def db_url(db=DB, options=None):
    url = f"{ADMIN_URL}/{db}"
    if options:
        url += "?options=" + urllib.request.quote(options)
    return url


def psql(sql, db=DB):
    out = subprocess.run(
        ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", sql, db_url(db)],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ------------------------------------------------------------------ database

def seeded_cases():
    return int(psql(f"SELECT count(*) FROM applications WHERE owner_pid = '{SEED_OWNER}'"))


def ensure_database(scale):
    exists = psql(f"SELECT count(*) FROM pg_database WHERE datname = '{DB}'", db="postgres") == "1"
    if exists and seeded_cases() > scale:
        psql(f"DROP DATABASE {DB} WITH (FORCE)", db="postgres")
        exists = False
    if not exists:
        psql(f"CREATE DATABASE {DB}", db="postgres")
        env_db = dict(os.environ, DATABASE_URL=db_url(), RUST_LOG="warn")
        subprocess.run([HDS, "migrate"], check=True, env=env_db, capture_output=True)
        subprocess.run([HDS, "seed"], check=True, env=env_db, capture_output=True)
    have = seeded_cases()
    if have < scale:
        started = time.time()
        print(f"seeding cases {have + 1} to {scale} (set-based, scripts/bench-seed.sql) ...", flush=True)
        subprocess.run(
            ["psql", "-X", "-q", "-v", f"first={have + 1}", "-v", f"cases={scale - have}",
             "-f", os.path.join(ROOT, "scripts", "bench-seed.sql"), db_url()],
            check=True,
        )
        seed_seconds = time.time() - started
        psql("VACUUM ANALYZE")
        print(f"seeded {scale - have} cases in {seed_seconds:.0f} s "
              f"(VACUUM ANALYZE after: {time.time() - started - seed_seconds:.0f} s)", flush=True)
    counts = psql(
        "SELECT (SELECT count(*) FROM cases) || ' cases, ' || (SELECT count(*) FROM custodian_tasks)"
        " || ' tasks, ' || (SELECT count(*) FROM case_events) || ' case events, '"
        " || (SELECT count(*) FROM feed_events) || ' feed events, '"
        " || pg_size_pretty(pg_database_size(current_database()))"
    )
    print(f"database {DB}: {counts}", flush=True)


# -------------------------------------------------------------------- server

class Server:
    def __init__(self, port, db_options=None, pool=CONNECTIONS):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.local = tempfile.mkdtemp(prefix="hds-bench-")
        self.env = dict(
            os.environ,
            DATABASE_URL=db_url(options=db_options),
            HDS_BIND=f"127.0.0.1:{port}",
            HDS_LOCAL_DIR=self.local,
            HDS_DEV_KEY_PATH=os.path.join(self.local, "dev-key.pem"),
            HDS_DB_POOL_SIZE=str(pool),
            # the requests measured here read no statistics, and the seed has
            # no purposes to compute them from: the histories' memory is
            # measured by make bench-reporting (docs/benchmarks.md)
            HDS_STATISTICS_AT_START="false",
            RUST_LOG="warn",
        )
        self.proc = None

    def start(self):
        log = open(os.path.join(self.local, "serve.log"), "w")
        self.proc = subprocess.Popen([HDS, "serve"], env=self.env, stdout=log, stderr=log)
        for _ in range(150):
            try:
                with urllib.request.urlopen(self.base + "/health/ready", timeout=1) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        die("the server did not become ready")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.local, ignore_errors=True)

    def rss_kb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def token(self, *args):
        out = subprocess.run([HDS, "dev-token", *args], env=self.env, check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()


def http(method, url, headers=None, body=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def journey_once(base, token):
    """One journey as journey.lua makes it; returns the case number."""
    lua = open(os.path.join(HERE, "journey.lua"), encoding="utf-8").read()
    content = re.search(r"local content = \[\[(.*?)\]\]", lua, re.S).group(1).encode()
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    auth = {"Authorization": "Bearer " + token}
    key = f"once-{time.time_ns()}"
    status, headers, _ = http("POST", base + "/api/v1/applications",
                              dict(auth, **{"Content-Type": "application/json",
                                            "Idempotency-Key": key + "-c"}), content)
    location = headers.get("location") or headers.get("Location") or ""
    if status != 201:
        die(f"journey: create answered {status}")
    app = location.rsplit("/", 1)[-1]
    status, _, _ = http(
        "POST",
        f"{base}/api/v1/applications/{app}/attachments?kind=PROJECT_DESCRIPTION"
        "&title=Prosjektbeskrivelse&filename=prosjekt.pdf",
        dict(auth, **{"Content-Type": "application/octet-stream", "If-Match": '"v1"',
                      "Idempotency-Key": key + "-u"}), pdf)
    if status != 201:
        die(f"journey: upload answered {status}")
    status, _, body = http("POST", f"{base}/api/v1/applications/{app}/submit",
                           dict(auth, **{"If-Match": '"v2"', "Idempotency-Key": key + "-s"}))
    if status != 201:
        die(f"journey: submit answered {status}: {body[:300]!r}")
    return re.search(rb'"caseNumber":"([^"]+)"', body).group(1).decode()


# ---------------------------------------------------------------- scenarios

class Context:
    """What the runs need: tokens, the list's ETag, the FHI custodian id."""

    def __init__(self, server):
        self.server = server
        self.custodian_token = server.token("--role", "CUSTODIAN", "--org", FHI)
        self.applicant_token = server.token("--role", "APPLICANT")
        self.custodian_id = psql(f"SELECT id FROM custodians WHERE orgnr = '{FHI}'")
        status, headers, _ = http("GET", server.base + LIST_PATH,
                                  {"Authorization": "Bearer " + self.custodian_token})
        if status != 200:
            die(f"task list answered {status}")
        self.etag = headers.get("etag") or headers.get("ETag")
        status, _, _ = http("GET", server.base + LIST_PATH,
                            {"Authorization": "Bearer " + self.custodian_token,
                             "If-None-Match": self.etag})
        if status != 304:
            die(f"an unchanged poll answered {status}, not 304")


def wrk_command(scenario, ctx):
    base = ctx.server.base
    common = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s"]
    auth = ["-H", "Authorization: Bearer " + ctx.custodian_token]
    if scenario == "poll304":
        return common + auth + ["-H", "If-None-Match: " + ctx.etag, base + LIST_PATH], {}
    if scenario == "poll200":
        return common + auth + ["-H", 'If-None-Match: "stale"', base + LIST_PATH], {}
    if scenario == "pollfirst":
        return common + auth + [base + LIST_PATH], {}
    if scenario == "catalogue":
        return common + [base + "/api/v1/data-sources"], {}
    if scenario == "journey":
        return (common + ["-s", os.path.join(HERE, "journey.lua"), base],
                {"HDS_BENCH_TOKEN": ctx.applicant_token})
    die(f"unknown scenario {scenario}")


def pgbench_defines(scenario, ctx):
    """The values of the script's variables (the same the server binds)."""
    if scenario == "poll304":
        return {"orgnrs": "{" + FHI + "}"}
    if scenario == "poll200":
        return {"orgnrs": "{" + FHI + "}", "custodian": ctx.custodian_id,
                "states": "{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}"}
    if scenario == "pollfirst":
        return {"orgnr": FHI, "states": "{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}"}
    if scenario == "catalogue":
        return {"limit": "51"}
    if scenario == "journey":
        return journey_defines(ctx)
    die(f"unknown scenario {scenario}")


def journey_defines(ctx):
    lua = open(os.path.join(HERE, "journey.lua"), encoding="utf-8").read()
    content = re.search(r"local content = \[\[(.*?)\]\]", lua, re.S).group(1)
    pdf_hex = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n".hex()
    fake_app = "00000000-0000-0000-0000-000000000000"
    # the stored responses: the sizes of the server's (an application, an
    # attachment, a case), as the idempotency table keeps them
    body_of = lambda n: "\\x" + ("7b22" + "61" * (n - 2) + "227d")[: 2 * n]  # noqa: E731
    return {
        "principal": "person:" + "0" * 64,
        "post": "POST",
        "cpath": "/api/v1/applications",
        "upath": f"/api/v1/applications/{fake_app}/attachments",
        "spath": f"/api/v1/applications/{fake_app}/submit",
        "rhash": "0" * 64,
        "zero": "0",
        "empty": "\\x",
        "codes": "{MFR}",
        "pid": APPLICANT_PID,
        "content": content,
        "actor": "person:150585*****",
        "submitted": "APPLICATION_SUBMITTED",
        "entity": "application",
        "jsonnull": "null",
        "request_id": "00000000-0000-0000-0000-000000000001",
        "status201": "201",
        "headers_create": '{"ETag": "\\"v1\\"", "Location": "/api/v1/applications/' + fake_app + '"}',
        "body_create": body_of(900),
        "one": "1",
        "kind": "PROJECT_DESCRIPTION",
        "title": "Prosjektbeskrivelse",
        "filename": "prosjekt.pdf",
        "ctype": "application/pdf",
        "size": "59",
        "sha": "8eabaab5c9262a308b726ef82b1e6abc3814ad52ac39ea73e394130d13624877",
        "pdf": "\\x" + pdf_hex,
        "headers_upload": '{"Location": "/api/v1/applications/' + fake_app + '/attachments/' + fake_app + '"}',
        "body_upload": body_of(300),
        "year": time.strftime("%Y"),
        "snapshot": '{"content": ' + content + ', "version": 2, "attachments": [], "applicationId": "' + fake_app + '"}',
        "now": time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime()),
        "today": time.strftime("%Y-%m-%d", time.gmtime()),
        "st_submitted": "SUBMITTED",
        "vtrue": "t",
        "none": "-",
        "event_data": '{"caseNumber": "HDS-2026-1000000", "receivedOn": "2026-11-30"}',
        "received": "no.helsedata.case.received",
        "case_source": f"/api/v1/cases/{fake_app}",
        "feed_data": '{"caseId": "' + fake_app + '", "status": "SUBMITTED", "caseNumber": "HDS-2026-1000000", "receivedAt": "2026-11-30T09:28:17.694896014Z", "dataSources": ["MFR"], "applicationId": "' + fake_app + '"}',
        "fhi": ctx.custodian_id,
        "audit_submitted": '{"caseId": "' + fake_app + '", "caseNumber": "HDS-2026-1000000"}',
        "headers_submit": '{"ETag": "\\"v1\\"", "Location": "/api/v1/applications/' + fake_app + '/case"}',
        "body_submit": body_of(240),
    }


def pgbench_command(scenario, ctx, duration_args, client=None, db_options=None, clients=None):
    script = os.path.join(HERE, f"{scenario}.sql")
    defines = pgbench_defines(scenario, ctx)
    if scenario == "journey":
        # one process per client, as in the earlier runs (see journey.sql)
        clients = ["-c1", "-j1"]
    elif clients is None:
        clients = [f"-c{CONNECTIONS}", "-j2"]
    args = ["pgbench", "-n", "-M", "prepared", *clients, *duration_args, "-f", script]
    for name, value in defines.items():
        args += ["-D", f"{name}={value}"]
    return args + [db_url(options=db_options)]


def run_api(scenario, ctx):
    command, extra_env = wrk_command(scenario, ctx)
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], ctx.server.rss_kb())
            stop.wait(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, **extra_env))
    stop.set()
    sampler.join()
    text = out.stdout + out.stderr
    if scenario == "journey":
        m = re.search(r"([\d.]+) journeys/s, failed requests: (\d+)", text)
        if not m:
            die("wrk journey output:\n" + text)
        rate, errors = float(m.group(1)), int(m.group(2))
    else:
        m = re.search(r"Requests/sec:\s+([\d.]+)", text)
        if not m:
            die("wrk output:\n" + text)
        rate = float(m.group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        errors = int(bad.group(1)) if bad else 0
        errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return rate, errors, peak[0]


def tps_of(text):
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    if not m:
        die("pgbench output:\n" + text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    return float(m.group(1)), int(failed.group(1)) if failed else 0


def run_pgbench(scenario, ctx):
    if scenario != "journey":
        out = subprocess.run(pgbench_command(scenario, ctx, ["-T", str(DURATION)]),
                             capture_output=True, text=True)
        return tps_of(out.stdout + out.stderr)
    procs = [subprocess.Popen(pgbench_command(scenario, ctx, ["-T", str(DURATION)], client=i),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for i in range(CONNECTIONS)]
    total, failed = 0.0, 0
    for p in procs:
        tps, f = tps_of(p.communicate()[0])
        total += tps
        failed += f
    return total, failed


# ------------------------------------------------------ the same statements?

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] (\w+):  (.*)$")


def server_log():
    return os.path.realpath(os.path.join(ROOT, ".local", "pg", "server.log"))


def statements_since(offset):
    """(pid, statement) logged after `offset` bytes of the server log."""
    with open(server_log(), encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        text = f.read()
    entries = []
    for line in text.splitlines():
        m = LOG_LINE.match(line)
        if m:
            entries.append([m.group(1), m.group(2), m.group(3)])
        elif entries:
            entries[-1][2] += "\n" + line
    out = []
    for pid, level, message in entries:
        if level != "LOG":
            continue
        m = re.match(r"(?:execute [^:]+|statement): (.*)$", message, re.S)
        if m:
            sql = " ".join(m.group(1).split()).rstrip(";").rstrip()
            out.append((pid, sql))
    return out


def log_size():
    return os.path.getsize(server_log())


# statements of the server's own background loops (webhook dispatch every
# two seconds, the case jobs every minute), which may fall into a window
BACKGROUND = re.compile(r"webhook_deliveries|next_job_on|LISTEN ")


def one_request(scenario, server, ctx):
    if scenario in ("poll304", "poll200"):
        etag = ctx.etag if scenario == "poll304" else '"stale"'
        http("GET", server.base + LIST_PATH,
             {"Authorization": "Bearer " + ctx.custodian_token, "If-None-Match": etag})
    elif scenario == "pollfirst":
        http("GET", server.base + LIST_PATH, {"Authorization": "Bearer " + ctx.custodian_token})
    elif scenario == "catalogue":
        http("GET", server.base + "/api/v1/data-sources")
    else:
        journey_once(server.base, ctx.applicant_token)


def capture(server_factory):
    """The statements of one request of each kind, from the server and from pgbench."""
    server = server_factory()
    api = {}
    ignored = 0
    try:
        ctx = Context(server)
        for scenario in SCENARIOS:
            # twice, the second captured: as under load, its connection was
            # handed out a moment ago, so the pool does not check it first
            # (a connection idle for 100 ms gets a `SELECT 1`, crates/persistence/src/db.rs)
            for _ in range(2):
                before = log_size()
                one_request(scenario, server, ctx)
            # a statement is logged when it starts, so all are in by the response
            logged = [sql for _, sql in statements_since(before)]
            api[scenario] = [sql for sql in logged if not BACKGROUND.search(sql)]
            ignored += len(logged) - len(api[scenario])
    finally:
        server.stop()
    if ignored:
        print(f"(ignored {ignored} statements of the server's background loops)")
    captured = {}
    for scenario in SCENARIOS:
        before = log_size()
        command = pgbench_command(scenario, ctx, ["-t", "1"], client=0,
                                  db_options="-c log_statement=all", clients=["-c1", "-j1"])
        out = subprocess.run(command, capture_output=True, text=True)
        if out.returncode != 0:
            die(f"pgbench {scenario}.sql failed:\n{out.stdout}{out.stderr}")
        bench = [sql for _, sql in statements_since(before)]
        captured[scenario] = (api[scenario], bench)
    return captured


def normalise(sql):
    return re.sub(r"\$\d+", "$n", sql)


def compare(captured):
    """Prints each scenario's statements; returns False on an undocumented difference."""
    ok = True
    for scenario, (api, bench) in captured.items():
        a = [normalise(s) for s in api]
        b = [normalise(s) for s in bench]
        print(f"-- {scenario}: the server sent {len(api)} statements, pgbench {len(bench)}")
        for i, sql in enumerate(api):
            print(f"   {i + 1:2}. {sql[:160]}{'...' if len(sql) > 160 else ''}")
        differences = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(a) != len(b):
            differences.append((min(len(a), len(b)), "(end)" if len(a) < len(b) else a[len(b)],
                                "(end)" if len(b) < len(a) else b[len(a)]))
        documented = {("COMMIT", "ROLLBACK")}
        for i, x, y in differences:
            known = (x, y) in documented
            print(f"   {'documented ' if known else ''}difference at {i + 1}:\n"
                  f"     server:  {x[:300]}\n     pgbench: {y[:300]}")
            ok = ok and known
        if not differences:
            print("   pgbench runs exactly these statements")
    return ok


# -------------------------------------------------------------------- main

def main():
    need_tools()
    os.makedirs(RESULTS, exist_ok=True)
    print(f"bench-api: scales {SCALES}, {PAIRS} pairs of {DURATION} s, {CONNECTIONS} connections, "
          f"{os.cpu_count()} CPUs, load average {loadavg()}", flush=True)
    summary = []
    checked = False
    for scale in SCALES:
        print(f"\n=== {scale} cases", flush=True)
        ensure_database(scale)
        if not checked:
            captured = capture(lambda: Server(PORT + 1, "-c log_statement=all", pool=1).start())
            if not compare(captured) and env("STRICT", "1") == "1":
                die("pgbench does not run the server's statements (STRICT=0 to measure anyway)")
            checked = True
            if env("CHECK_ONLY", "0") == "1":
                return
        server = Server(PORT).start()
        try:
            ctx = Context(server)
            for scenario in SCENARIOS:
                print(f"-- {TITLES[scenario]}", flush=True)
                ratios, apis, pgs, peak = [], [], [], 0
                for pair in range(PAIRS):
                    api, api_errors, rss = run_api(scenario, ctx)
                    pg, pg_failed = run_pgbench(scenario, ctx)
                    peak = max(peak, rss)
                    ratio = api / pg if pg else 0.0
                    ratios.append(ratio)
                    apis.append(api)
                    pgs.append(pg)
                    print(f"   pair {pair + 1}: API {api:9.1f}/s ({api_errors} errors), "
                          f"pgbench {pg:9.1f}/s ({pg_failed} failed), ratio {ratio:.3f}, "
                          f"RSS {rss / 1024:.0f} MB, load {loadavg()}", flush=True)
                median = statistics.median(ratios)
                print(f"   median ratio {median:.3f}; largest RSS {peak / 1024:.0f} MB", flush=True)
                summary.append((scale, scenario, ratios, median, peak,
                                statistics.median(apis), statistics.median(pgs)))
        finally:
            server.stop()
        plans = os.path.join(RESULTS, f"plans-{scale}.txt")
        with open(plans, "w") as f:
            subprocess.run(
                ["psql", "-X", "-q", "-v", f"custodian={ctx.custodian_id}",
                 "-v", f"after={int(psql('SELECT last FROM feed_counter')) // 2}",
                 "-f", os.path.join(HERE, "plans.sql"), db_url()],
                check=True, stdout=f, stderr=subprocess.STDOUT)
        print(f"plans of the prepared statements: {plans}", flush=True)
    print("\n| cases | request | API /s | pgbench /s | ratios (API / pgbench) | median ratio | largest RSS |")
    print("|---:|---|---:|---:|---|---:|---:|")
    lines = []
    for scale, scenario, ratios, median, peak, api, pg in summary:
        line = (f"| {scale:,} | {TITLES[scenario]} | {api:,.0f} | {pg:,.0f} | "
                f"{', '.join(f'{r:.2f}' for r in ratios)} | {median:.2f} | {peak / 1024:.0f} MB |")
        lines.append(line)
        print(line)
    # what a poll costs at the largest scale against the smallest (API time per request)
    by = {(scale, scenario): api for scale, scenario, _, _, _, api, _ in summary}
    small, large = min(SCALES), max(SCALES)
    for scenario in ("poll304", "poll200", "pollfirst"):
        if (small, scenario) in by and (large, scenario) in by and small != large:
            growth = by[(small, scenario)] / by[(large, scenario)]
            line = (f"{TITLES[scenario]}: at {large:,} cases a request costs {growth:.2f}x "
                    f"what it costs at {small:,} (median API throughput)")
            lines.append(line)
            print(line)
    with open(os.path.join(RESULTS, "summary.md"), "a") as f:
        f.write(f"\n<!-- {time.strftime('%Y-%m-%d %H:%M:%S')} load {loadavg()} -->\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
