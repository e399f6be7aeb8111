"""Talent search latency with a large pool, through the real HTTP stack.

Usage::

    python bench/bench_directory.py --profiles 100000              # SQLite in /tmp
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_pool \\
        python bench/bench_directory.py --profiles 100000
    ... --out docs/benchmarks-directory.md  (appends a section)

The script creates the database (reusing it when it already holds the profiles), seeds it
with ``seed_profiles(n, seed)``, adds a verified employer with an API token, and starts the
app in a separate process on werkzeug's threaded server. It then requests, with urllib,
each typical search several times through the JSON API (bearer token) and the HTML page
(logged-in session cookie), and reports the median and 95th percentile per query and
overall. Timings include HTTP parsing, the session check, the query, the bounded count of
matches and rendering.

``--explain`` instead runs ``EXPLAIN ANALYZE`` (PostgreSQL) of each query's count SELECT
and page SELECT (as ``search()`` sends them) in this process and reports their execution
times (median of ``--repeats``), the number of matches and the plans' ways in.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from talentpool.app import create_app  # noqa: E402
from talentpool.auth import Role  # noqa: E402
from talentpool.extensions import db  # noqa: E402

PASSWORD = "correct staple horse battery"
QUERIES = (
    "",
    "track=object_detection&min_skill=60",
    "track=text_classification&min_skill=70&min_level=4&sort=skill",
    "tier=intermediate&region=上海",
    "language=en&availability=open&active_days=30",
    "min_level=3&sort=recent",
    "track=speech_transcription&region=北京&min_skill=50&page=3",
    "tier=senior&track=llm_preference&sort=skill",
    "active_days=7&sort=recent&min_skill=60",
    "track=named_entities&language=en&min_level=4&availability=full_time",
    "track=theory&sort=recent&active_days=90",
    "tier=expert&language=ja",
    "track=cot_checking&min_skill=90",
    "min_skill=99&active_days=7",
    "region=石家庄&language=ko&tier=expert",
    # Keywords: a shared region (two CJK characters, asked for as a stored piece), a track
    # name and an introduction phrase, Latin words, a surname in the display names, keywords
    # with filters and sorts, a rare combination and a word nobody shows.
    "q=北京",
    "q=语音",
    "q=医疗影像",
    "q=speech",
    "q=标注员王",
    "q=ner&track=named_entities&min_skill=60",
    "q=点云 北京&sort=skill",
    "q=质检 上海&active_days=30&sort=recent",
    "q=古籍 石家庄&tier=senior",
    "q=区块链",
)


def settings(url: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret",
            "INSTANCE_PATH": os.environ.get("TALENTPOOL_INSTANCE",
                                            "/tmp/talentpool-bench-instance"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def prepare(url: str, profiles: int, seed: int) -> str:
    """Seed the database if needed; return a fresh API token of a verified employer."""
    from sqlalchemy import func, select

    from talentpool.accounts.service import create_user, find_user_by_email
    from talentpool.directory import employers
    from talentpool.directory.api_tokens import create_token
    from talentpool.directory.models import TalentProfile
    from talentpool.directory.seed import seed_profiles

    app = create_app(settings(url))
    with app.app_context():
        db.create_all()
        have = db.session.scalar(select(func.count()).select_from(TalentProfile)) or 0
        if have < profiles:
            started = time.perf_counter()
            seed_profiles(profiles - have, seed)
            print(f"seeded {profiles - have} profiles in {time.perf_counter() - started:.0f} s")
        # Also for a database seeded elsewhere (talentpool demo --profiles N): fresh statistics,
        # committed (ANALYZE is transactional on PostgreSQL: rolled back, its statistics were
        # lost, and the certificates of a page were read by a sequential scan).
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        employer = find_user_by_email("bench-employer@example.com")
        if employer is None:
            employer = create_user("bench-employer@example.com", "Recruiter", PASSWORD,
                                   Role.EMPLOYER)
            admin = create_user("bench-admin@example.com", "Admin", PASSWORD, Role.ADMIN)
            organisation = employers.register_organisation(employer, "Bench Labs")
            employers.set_verified(organisation.public_id, True, admin)
        return create_token(employer, "bench", ["search:read"])[1]


def serve(url: str, port: int) -> None:
    """Run the app on werkzeug's threaded server (child process)."""
    from werkzeug.serving import make_server

    make_server("127.0.0.1", port, create_app(settings(url)), threaded=True).serve_forever()


def wait_for(base: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def logged_in_opener(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/accounts/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": "bench-employer@example.com", "password": PASSWORD,
                                   "csrf_token": token}).encode()
    opener.open(base + "/accounts/login", data=body).read()
    return opener


def measure(fetch, url: str, repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        with fetch(url) as response:
            response.read()
            assert response.status == 200, response.status
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def explain(url: str, repeats: int) -> list[str]:
    """The page and count statements of every query, timed by EXPLAIN ANALYZE."""
    from dataclasses import replace

    from sqlalchemy.dialects import postgresql

    from talentpool.directory.models import TalentProfile

    from talentpool.directory.search import (
        COUNT_CAP, PAGE_SIZE, SearchQuery, build_query, first_matches, matches_statement,
    )

    def sql(statement) -> str:
        return str(statement.compile(dialect=postgresql.dialect(),
                                     compile_kwargs={"literal_binds": True}))

    def timed(statement) -> tuple[float, str]:
        times, plan = [], []
        for _ in range(repeats):
            plan = [row[0] for row in db.session.execute(
                db.text("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql(statement).replace("%%", "%")))]
            times.append(float(re.search(r"Execution Time: ([0-9.]+)", plan[-1]).group(1)))
        ways = re.findall(r"(Index Scan(?: Backward)? using \w+|Index Only Scan using \w+|"
                          r"Bitmap Index Scan on \w+|Seq Scan on \w+)", "\n".join(plan))
        return statistics.median(times), ", ".join(dict.fromkeys(
            way.replace(" using ", " ").replace(" on ", " ") for way in ways))

    lines = ["| query | matches | count SQL ms | count plan | page SQL ms | page plan |",
             "|---|---:|---:|---|---:|---|"]
    app = create_app(settings(url))
    with app.app_context():
        for text in QUERIES:
            query = SearchQuery.from_args(dict(urllib.parse.parse_qsl(text)))
            found = first_matches(query)
            count_ms, count_plan = timed(matches_statement(query, COUNT_CAP))
            page = build_query(query)
            if len(found) <= COUNT_CAP:  # what search() does: the page from the ids
                page = build_query(replace(query, q="")).where(TalentProfile.id.in_(found))
            page_ms, page_plan = timed(page.offset((query.page - 1) * PAGE_SIZE)
                                       .limit(PAGE_SIZE + 1))
            lines.append(f"| `{text or '(no filter)'}` | "
                         f"{len(found) if len(found) <= COUNT_CAP else f'> {COUNT_CAP:,}'} | "
                         f"{count_ms:.2f} | {count_plan} | {page_ms:.2f} | {page_plan} |")
    return lines


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--port", type=int, default=5081)
    parser.add_argument("--out")
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE each query's SQL instead (PostgreSQL)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/talentpool-bench-pool.db"
    if args.serve:
        serve(url, args.port)
        return
    if args.explain:
        print("\n".join(explain(url, args.repeats)))
        return
    token = prepare(url, args.profiles, args.seed)
    server = subprocess.Popen([sys.executable, __file__, "--serve", "1", "--port", str(args.port)],
                              env={**os.environ, "DATABASE_URL": url})
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(base)
        api = urllib.request.build_opener()
        api.addheaders = [("Authorization", f"Bearer {token}")]
        page = logged_in_opener(base)
        rows, every = [], {"api": [], "page": []}
        for query in QUERIES:
            target = "?" + urllib.parse.quote(query, safe="=&")
            measure(api.open, f"{base}/api/v1/talent/search{target}", 2)  # warm up
            api_times = measure(api.open, f"{base}/api/v1/talent/search{target}", args.repeats)
            page_times = measure(page.open, f"{base}/talent/search{target}", args.repeats)
            every["api"] += api_times
            every["page"] += page_times
            rows.append((query or "(no filter)", statistics.median(api_times), p95(api_times),
                         statistics.median(page_times), p95(page_times)))
    finally:
        server.terminate()
        server.wait()
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    lines = [f"### {dialect}, {args.profiles:,} listed profiles, {args.repeats} requests per query",
             "", f"{platform.python_implementation()} {platform.python_version()}, "
             f"{platform.machine()}, {os.cpu_count()} CPUs; werkzeug threaded server; "
             "urllib client.",
             "", "| query | API median ms | API p95 ms | page median ms | page p95 ms |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| `{q}` | {a:.1f} | {b:.1f} | {c:.1f} | {d:.1f} |" for q, a, b, c, d in rows]
    lines += [f"| **all queries** | {statistics.median(every['api']):.1f} | "
              f"{p95(every['api']):.1f} | {statistics.median(every['page']):.1f} | "
              f"{p95(every['page']):.1f} |", ""]
    print("\n".join(lines))
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
