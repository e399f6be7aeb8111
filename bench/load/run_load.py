"""Load benchmark: talentpool under gunicorn, driven by Locust, on SQLite and PostgreSQL.

Usage::

    python bench/load/run_load.py --quick        # smoke run, about 3 minutes, both back ends
    python bench/load/run_load.py                # full run (see docs/benchmarks-load.md)
    python bench/load/run_load.py --backends postgresql --candidates 200 --pacing 10

For each back end the driver builds a database through the product (``bench/load/bank.py``:
the exam bank of ``bench/bench_exam_answer.py``, a level-5 mock session open now, a practice
pack, trainee accounts), starts gunicorn on 127.0.0.1 (a port in 8300–8399) and runs Locust
headless (``bench/load/locustfile.py``), one process per step:

1. yardstick: one practising trainee, then one exam candidate, with no think time and a
   ``GET /healthz`` per iteration, on an otherwise idle server;
2. saturation: practice, then exam, with 2, 4, 8, … users and no think time, a fixed time each;
3. optionally a profiled step: py-spy samples the workers at the saturation point of the
   profile whose request kind is slowest at the yardstick;
4. the exam sitting: N candidates start together and each answers every T seconds until their
   attempts end.

Around every step it counts the answers stored in the database and compares them with the
answers Locust saw accepted with 200, and samples the CPU time of gunicorn, Locust and the
PostgreSQL backends from ``/proc``. The results go to a block of ``docs/benchmarks-load.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bank
import report
from bench_exam_answer import code_state, write_block
import spy
from steps import ROOT, Server, Step, postgres_backends, run_step, tree

FULL = {"candidates": 2000, "pacing": 30.0, "steps": "2,4,8,16,32,64", "step_time": 30.0,
        "yardstick_time": 30.0, "pool": 200, "practice_items": 100, "persons": 150}
QUICK = {"candidates": 20, "pacing": 0.5, "steps": "2,8,32", "step_time": 5.0,
         "yardstick_time": 4.0, "pool": 60, "practice_items": 40, "persons": 100}
MAX_ANSWERS = 31  # level 5 of the bench scheme: 20 theory items, at most 10 + 1 practical


@dataclass
class Backend:
    name: str
    bank: bank.LoadBank
    database: str
    yardstick: list[Step] = field(default_factory=list)
    practice: list[Step] = field(default_factory=list)
    exam: list[Step] = field(default_factory=list)
    sitting: Step | None = None
    profiled: Step | None = None
    profile: dict = field(default_factory=dict)
    server_log: dict = field(default_factory=dict)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: small bank, 20 candidates answering every 0.5 s, steps "
                        "of 2, 8, 32 users of 5 s (about 3 minutes)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/talentpool_load",
                        help="dropped and created by the run")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                        help="shared rate-limit store of the workers ('' for memory)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--candidates", type=int, help="exam sitting: candidates (2000)")
    parser.add_argument("--pacing", type=float, help="exam sitting: seconds per answer (30)")
    parser.add_argument("--sitting-time", type=float,
                        help="exam sitting: stop after this many seconds even if candidates "
                        f"are still sitting (default {MAX_ANSWERS + 9} × pacing + 120)")
    parser.add_argument("--steps", help="saturation: users per step (2,4,8,16,32,64)")
    parser.add_argument("--step-time", type=float, help="saturation: seconds per step (30)")
    parser.add_argument("--yardstick-time", type=float, help="seconds per yardstick user (30)")
    parser.add_argument("--pool", type=int, help="practical exam items (200)")
    parser.add_argument("--practice-items", type=int, help="practice items (100)")
    parser.add_argument("--persons", type=int, help="simulated field-test persons (150)")
    parser.add_argument("--min-responses", type=int, default=50,
                        help="CALIBRATION_MIN_RESPONSES for the field test")
    parser.add_argument("--skip", default="",
                        help="comma-separated parts to leave out: yardstick, practice, exam, "
                        "profile, sitting")
    parser.add_argument("--password-hash", default=bank.HASH_METHOD,
                        help="PASSWORD_HASH_METHOD of the accounts and the server "
                        "('scrypt' to time sign-in as deployed)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-load.md"),
                        help="Markdown file whose results block is rewritten ('-': print)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the databases (the logs and CSV files are always kept)")
    args = parser.parse_args()
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.steps = [int(v) for v in str(args.steps).split(",") if v]
    args.backends = [v for v in args.backends.split(",") if v]
    args.skip = {v for v in args.skip.split(",") if v}
    if args.sitting_time is None:
        args.sitting_time = (MAX_ANSWERS + 9) * args.pacing + 120
    return args


def exam_accounts(args) -> int:
    """Enough accounts for every attempt the steps can start (a finished attempt at full
    speed takes at least about a second, so 10 per second of step is plenty)."""
    steps = len(args.steps) + 2
    return args.candidates + 2 * sum(args.steps) + int(10 * steps * args.step_time) + 50


def run_backend(name: str, args, folder: Path) -> Backend:
    from talentpool.app import create_app

    folder.mkdir(parents=True, exist_ok=True)
    if name == "sqlite":
        url, database = f"sqlite:///{folder / 'load.db'}", ""
    else:
        url = args.postgres_url
        database = url.rsplit("/", 1)[1]
        bank.reset_postgresql(url)
    env = bank.settings(url, folder, args.min_responses, args.redis_url,
                        f"talentpool-load-{os.getpid()}-{name}", args.password_hash)
    os.environ.update(env)  # the driver's app reads the settings the workers read
    app = create_app()
    practice_accounts = 2 + 2 * sum(args.steps) + max(args.steps)
    built = bank.build(app, env, args.pool, args.practice_items, args.persons,
                       exam_accounts(args), practice_accounts, args.seed, folder)
    print(f"{name}: bank built in {built.seconds:.0f} s ({built.operational} operational, "
          f"{built.pretest} pretest practical items)", flush=True)
    result = Backend(name, built, database)
    server = Server(env, args.workers, args.threads, folder / "gunicorn.log")
    server.start()
    groups = {"gunicorn": lambda: tree(server.process.pid),
              "postgres": (lambda: postgres_backends(database)) if database else list}
    common = ["--exam-session", built.session_id, "--track", built.track,
              "--password", bank.PASSWORD]
    practice_next = 0

    def practice_stored() -> int:
        return bank.stored(app).practice_answers

    def exam_stored() -> int:
        return bank.stored(app).exam_answers

    def step(label: str, profile: str, users: int, seconds: float, extra: list[str],
             during=None) -> Step:
        nonlocal practice_next
        if profile == "practice":
            first, last, counter = practice_next, practice_next + users, practice_stored
            practice_next += users
        else:
            first, last, counter = bank.exam_accounts_used(app), built.exam_accounts, exam_stored
        accounts = ["--first-account", str(first), "--last-account", str(last)]
        return run_step(f"{name}-{label}", profile, users, seconds, server.host, folder,
                        common + accounts + extra, counter, groups, during)

    try:
        if "yardstick" not in args.skip:
            for profile in ("practice", "exam"):
                result.yardstick.append(step(f"yardstick-{profile}", profile, 1,
                                             args.yardstick_time, ["--healthz"]))
        for profile in ("practice", "exam"):
            if profile in args.skip:
                continue
            for users in args.steps:
                getattr(result, profile).append(step(f"{profile}-{users}", profile, users,
                                                     args.step_time, []))
        if "profile" not in args.skip and spy.py_spy() and result.yardstick:
            kind, profile = slowest_kind(result.yardstick)
            point = report.saturation_point(getattr(result, profile))
            users = point.users if point else 8
            raw = folder / f"{name}-py-spy.txt"
            seconds = max(4, int(args.step_time) - 4)

            sampler: list = []

            def sample(_locust_pid: int) -> None:
                time.sleep(2)  # the users are signed in
                sampler.append(spy.record(server.process.pid, seconds, raw))

            result.profiled = step(f"profiled-{profile}-{users}", profile, users,
                                   args.step_time, [], sample)
            process = sampler[0] if sampler else None
            if process is not None:
                process.wait(timeout=120)
                if raw.exists():
                    result.profile = spy.summarize(raw, kind)
        if "sitting" not in args.skip:
            result.sitting = step("sitting", "exam", args.candidates, args.sitting_time,
                                  ["--pacing", f"{args.pacing:g}"])
            result.sitting.notes.append(str(bank.attempt_states(app)))
    finally:
        server.stop()
        result.server_log = scan_log(folder / "gunicorn.log")
        from talentpool.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if database and not args.keep:
            bank.drop_postgresql(url)
        if name == "sqlite" and not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{folder / 'load.db'}{suffix}").unlink(missing_ok=True)
        forget_rate_limits(args.redis_url, env["RATELIMIT_KEY_PREFIX"])
    return result


def slowest_kind(yardstick: list[Step]) -> tuple[str, str]:
    """The request kind (answer, item page, next item) slowest on average with one user."""
    rows = [(float(row["Average Response Time"]), name) for s in yardstick
            for name, row in s.stats.items()
            if name.split(" (")[0] in spy.VIEWS and int(row["Request Count"])]
    _mean, name = max(rows)
    return name, name.split(":")[0]


def scan_log(path: Path) -> dict:
    """Tracebacks and errors in gunicorn's log, with the first traceback."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    first = ""
    if "Traceback" in text:
        start = text.index("Traceback")
        first = "\n".join(text[start:].splitlines()[:60])
    return {"tracebacks": text.count("Traceback (most recent call last)"),
            "errors": len(re.findall(r"\[ERROR\]", text)),
            "timeouts": text.count("WORKER TIMEOUT"), "locked": text.count("database is locked"),
            "first": first, "path": str(path)}


def forget_rate_limits(url: str, prefix: str) -> None:
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)


def render(results: list[Backend], args, seconds: float, code: str, postgres: str | None) -> str:
    command = "python bench/load/run_load.py" + "".join(f" {a}" for a in sys.argv[1:])
    lines = [f"### {'Smoke run (--quick)' if args.quick else 'Full run'}", "",
             f"Run of {dt.date.today().isoformat()}: `{command}`; {seconds / 60:.1f} min in all.",
             "", "Machine: " + report.machine(postgres, args.workers, args.threads), "",
             f"Code: {code} when the run started.", ""]
    for result in results:
        b = result.bank
        lines += [f"#### {'SQLite (one file, WAL)' if result.name == 'sqlite' else postgres}",
                  "", (f"Bank: {THEORY} theory items, {args.pool} practical exam items "
                       f"({b.operational} operational, {b.pretest} pretest), "
                       f"{args.practice_items} practice items, {b.exam_accounts:,} candidate "
                       f"and {b.practice_accounts:,} practice accounts; built in "
                       f"{b.seconds:.0f} s."), ""]
        if result.yardstick:
            loads = ", ".join(f"{s.load:.2f}" for s in result.yardstick)
            lines += [(f"Yardstick, one user at a time, nothing else on the server (load "
                      f"average {loads} after each of its two steps):"), "",
                      *report.yardstick_table(result.yardstick), ""]
        database = bool(result.database)
        for title, steps in (("practice", result.practice), ("exam", result.exam)):
            if steps:
                lines += [f"Saturation, {title}, {args.step_time:g} s per step, no think time:",
                          "", *report.saturation_table(steps, database), ""]
        if result.sitting:
            lines += ["Exam sitting:", "",
                      *report.sitting_table(result.sitting, args.candidates, args.pacing), ""]
        if result.profiled:
            lines += [*report.profile_lines(result.profile, result.profiled), ""]
        steps = [*result.yardstick, *result.practice, *result.exam,
                 *(s for s in (result.profiled, result.sitting) if s)]
        raised = sum(s.exceptions for s in steps)
        if raised:
            lines += [(f"Locust users raised {raised} exceptions (see the `_exceptions.csv` "
                      f"files)."), ""]
        log = result.server_log
        lines += [(f"gunicorn's log: {log.get('tracebacks', 0)} tracebacks, "
                   f"{log.get('errors', 0)} errors, {log.get('timeouts', 0)} worker timeouts, "
                   f"{log.get('locked', 0)} 'database is locked'."), ""]
    wrapped = [line if line.startswith(("|", "#")) or len(line) <= 100 else
               textwrap.fill(line, 100, break_long_words=False, break_on_hyphens=False)
               for line in lines]  # prose at 100 columns; a table row cannot wrap
    return "\n".join(wrapped).rstrip() + "\n"


THEORY = bank.THEORY_ITEMS


def postgres_version(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url.rsplit("/", 1)[0] + "/postgres")
        with engine.connect() as connection:
            found = connection.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return f"PostgreSQL {found.split()[0]}"
    except Exception:  # noqa: BLE001 - the version is informative only
        return None


def main() -> None:
    args = options()
    started, code = time.perf_counter(), code_state()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench" / "out" / "load" / stamp
    print(f"logs, CSV files and py-spy samples: {out}", flush=True)
    results = [run_backend(name, args, out / name) for name in args.backends]
    postgres = postgres_version(args.postgres_url) if "postgresql" in args.backends else None
    block = render(results, args, time.perf_counter() - started, code, postgres)
    for result in results:
        if result.server_log.get("first"):
            print(f"{result.name}: first traceback in {result.server_log['path']}:\n"
                  f"{result.server_log['first']}", flush=True)
    if args.out == "-":
        print(block)
    else:
        write_block(Path(args.out), block, "load-quick" if args.quick else "load",
                    header="# Load benchmark\n")
        print(block)


if __name__ == "__main__":
    main()
