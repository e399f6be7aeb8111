"""Server time of one exam answer, with 50, 500 and 2,000 secure items in the practical pool.

Usage::

    python bench/bench_exam_answer.py                          # print the tables
    python bench/bench_exam_answer.py --out docs/benchmarks-exam.md
    python bench/bench_exam_answer.py --pools 50 --candidates 3 --http-candidates 1   # smoke run

For each pool size the script builds one bank through the product, on SQLite in a temporary
folder: it writes two packs of single-choice exam items (a 120-item theory pack and the
practical pack), imports them, runs a simulated field test (every simulated person answers
every item) and calibrates through ``calibrate_track``, sets level 5's cuts with simulated
Angoff panels, then imports a few more practical exam items that stay pretest. Level 5 has a
20-item fixed theory form and an adaptive practical part (6–10 scored items, one pretest item).

Simulated candidates (θ ~ N(0, 1); each item answered with its gold answer with the field
test's probability of success, else with an empty answer) then sit the exam. Each answer runs
in its own app context, as a request would: the attempt is loaded with ``own_attempt`` and
``exam.submit_answer`` is timed with ``time.perf_counter`` (commit included). A second group of
candidates answers through the Flask test client (``POST /exams/attempts/<id>/answer``,
signed in, CSRF header), which adds the view, login check and JSON handling. SQL statements are
counted per call with a ``before_cursor_execute`` listener (``BEGIN IMMEDIATE`` counts where the
timed call opens the transaction; the driver-level COMMIT is not a statement).

Calls are classified by what they do: a steady answer stays within its part; the answer that
ends the theory part also grades it and starts the practical part (part start); the last
answer grades the attempt and, on a pass, signs the certificate. ``start_attempt`` (the theory
part start) is reported with them. ``GET /healthz`` through the same test client is the
yardstick of a trivial request on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import os
import platform
import pstats
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select  # noqa: E402

from talentpool.app import create_app  # noqa: E402
from talentpool.extensions import db  # noqa: E402

PASSWORD = "correct horse battery staple"
THEORY_ITEMS = 120
THEORY_FORM = {"T1.1": 10, "T1.2": 10}
PRACTICAL_BLUEPRINT = {"P1.1": 3, "P1.2": 2, "P1.3": 2}
PRACTICAL_CODES = tuple(PRACTICAL_BLUEPRINT)
# Registration is not part of this benchmark: one route (training hours) at every level.
ELIGIBILITY = {"training_hours": 60, "routes": [
    {"id": "training", "zh": "完成规定培训学时", "en": "Training hours", "training_hours": True}]}
ELEMENTS = [
    {"code": "T1", "part": "theory", "name": {"zh": "职业道德", "en": "Ethics"}},
    {"code": "T1.1", "part": "theory", "name": {"zh": "职业道德基本知识", "en": "Basics"}},
    {"code": "T1.2", "part": "theory", "name": {"zh": "职业守则", "en": "Code of conduct"}},
    {"code": "P1", "part": "practical", "name": {"zh": "文本数据标注", "en": "Text labeling"}},
    {"code": "P1.1", "part": "practical", "name": {"zh": "情感与主题分类", "en": "Sentiment"}},
    {"code": "P1.2", "part": "practical", "name": {"zh": "意图识别", "en": "Intent"}},
    {"code": "P1.3", "part": "practical", "name": {"zh": "内容安全", "en": "Safety"}},
]
OPTIONS = [{"id": f"o{k}", "text": {"zh": f"选项 {k}", "en": f"Option {k}"}} for k in range(4)]
DIFFICULTY = ("easy", "medium", "hard")

STEADY = "steady answer (stays in its part)"
STEADY_THEORY = "  of which theory (fixed form)"
STEADY_PRACTICAL = "  of which practical (adaptive)"
FIRST_PRACTICAL = "  of which first practical answer"
START = "start_attempt (theory part start)"
PART_START = "last theory answer (grades theory, starts practical)"
LAST = "last answer (grades attempt, certificate on a pass)"
COLD = "practical answer, part bank not cached (another worker)"
HEALTHZ = "GET /healthz (yardstick)"
ROW_ORDER = (STEADY, STEADY_THEORY, STEADY_PRACTICAL, FIRST_PRACTICAL, START, PART_START, LAST,
             COLD)


# --- building the bank ----------------------------------------------------------------------

def item(key: str, element: str, n: int) -> dict:
    return {"id": key, "type": "single_choice",
            "prompt": {"zh": f"请选择正确的标签（{key}）", "en": f"Choose the right label ({key})"},
            "spec": {"text": f"待分类的文本 {key}：这家餐厅的菜太咸了，服务员态度也很差。",
                     "options": OPTIONS},
            "gold": {"choice": OPTIONS[n % len(OPTIONS)]["id"]},
            "explanation": {"zh": f"解析 {key}", "en": f"Explanation {key}"},
            "element": element, "tags": [DIFFICULTY[n % 3]], "use": "exam"}


def write_pack(root: Path, pack_id: str, track: str, items: list[dict]) -> Path:
    folder = root / pack_id
    folder.mkdir(parents=True, exist_ok=True)
    data = {"id": pack_id, "version": 1, "title": {"zh": "基准测试题包", "en": "Benchmark pack"},
            "track": track, "levels": [5], "licence": "CC-BY-4.0", "items": items}
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True,
                                                     sort_keys=False), encoding="utf-8")
    (root / "elements.yaml").write_text(yaml.safe_dump({"elements": ELEMENTS},
                                                       allow_unicode=True), encoding="utf-8")
    return folder


def _rubric_levels(*points: int) -> list[dict]:
    return [{"points": p, "text": {"zh": f"{p} 分", "en": f"{p} points"}} for p in points]


# Levels 2 and 1 need a panel review rule; only level 5 is sat here.
PANEL = {"members": 3, "pass_mark": 60, "rule": "mean", "summary": {"min_chars": 0},
         "rubric": {"criteria": [
             {"id": "work", "title": {"zh": "工作总结", "en": "Work"},
              "levels": _rubric_levels(0, 50)},
             {"id": "defence", "title": {"zh": "答辩", "en": "Defence"},
              "levels": _rubric_levels(0, 50)}]}}


def write_scheme(folder: Path) -> Path:
    """Every level alike (the scheme needs five); only level 5 is sat."""
    theory = {"mode": "fixed", "time_limit_minutes": 90, "blueprint": THEORY_FORM,
              "item_levels": [5]}
    practical = {"mode": "adaptive", "time_limit_minutes": 120, "blueprint": PRACTICAL_BLUEPRINT,
                 "min_items": 6, "max_items": 10, "pretest_positions": [4], "item_levels": [5]}
    levels = [{"level": n, "prerequisite": None if n == 5 else n + 1, "validity_years": 3,
               "retake_wait_days": 14, "panel_review": PANEL if n <= 2 else False,
               "theory": theory,
               "practical": practical, "eligibility": ELIGIBILITY} for n in (5, 4, 3, 2, 1)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "elements.yaml").write_text(yaml.safe_dump({"elements": ELEMENTS},
                                                         allow_unicode=True), encoding="utf-8")
    path = folder / "certification-scheme.yaml"
    path.write_text(yaml.safe_dump({"occupation": {"zh": "人工智能训练师", "en": "AI trainer"},
                                    "work_type": {"zh": "数据标注员", "en": "Data annotator"},
                                    "grace_seconds": 60, "levels": levels},
                                   allow_unicode=True), encoding="utf-8")
    return path


def pretest_count(pool: int) -> int:
    return max(2, pool // 20)


@dataclass
class Bank:
    pool: int
    app: object
    session_id: str
    answers: dict[int, tuple[dict, dict, float, float]]  # item id → (gold, empty, a, mean b)
    seconds: float
    operational: int
    pretest: int
    persons: int


def import_live(path: Path):
    """Import packs as the bench's author, then approve every draft as its second
    administrator, so the items are live as a reviewed bank's are (inside an app context)."""
    from talentpool.accounts.service import create_user, find_user_by_email
    from talentpool.assessment import drafts
    from talentpool.assessment.service import import_path
    from talentpool.auth import Role

    def admin(email: str):
        return find_user_by_email(email) or create_user(email, email.split("@")[0],
                                                        "bench passphrase 1", Role.ADMIN)

    results, problems = import_path(path, by=admin("author@bench.talentpool.test"))
    waiting = [(row.item.public_id, None) for _pack, rows in drafts.queue() for row in rows]
    if waiting and not problems:
        drafts.approve_many(waiting, admin("reviewer@bench.talentpool.test"))
    return results, problems


def set_standards_and_open(folder: Path, persons: int, rng: np.random.Generator,
                           pretest: list[dict], pretest_pack: str, track: str, title: str):
    """After the packs are imported (inside an app context): a simulated field test calibrates
    the scales, simulated Angoff panels set level 5's cuts, the ``pretest`` items are imported
    after calibration (so they stay pretest), and a level-5 mock session opens now. Returns the
    field test's truth, the readiness of both parts and the session."""
    from talentpool.assessment import exam
    from talentpool.assessment.exam_bank import readiness, scheme
    from talentpool.assessment.field_test import simulate_angoff_panel, simulate_field_test
    from talentpool.database import utcnow

    truth = simulate_field_test(persons, rng)
    for part in ("theory", "practical"):
        simulate_angoff_panel(5, part, 0.0, rng, n_items=12)
    _results, problems = import_live(write_pack(folder / "late", pretest_pack, track, pretest))
    assert not problems, problems[:3]
    level = scheme().levels[5]
    states = [readiness(level, part) for part in ("theory", "practical")]
    for state in states:
        assert state.ready, state.problems
    now = utcnow()
    session = exam.create_session(5, title, now - dt.timedelta(hours=1),
                                  now + dt.timedelta(days=2), None)
    return truth, states, session


def build_bank(folder: Path, pool: int, persons: int, min_responses: int, seed: int) -> Bank:
    """Import, field-test, calibrate and set level 5's standard; one database per pool size."""
    from talentpool.assessment.models import Item
    from talentpool.scoring import get_scorer

    started = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder / "instance"),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "EXAM_SCHEME": str(write_scheme(folder / "scheme")),
                      "CALIBRATION_MIN_RESPONSES": min_responses,
                      "PUBLIC_BASE_URL": "https://talentpool.example.org"})
    rng = np.random.default_rng(seed)
    late = pretest_count(pool)
    field_tested = pool - late
    theory = [item(f"t{n}", tuple(THEORY_FORM)[n % 2], n) for n in range(THEORY_ITEMS)]
    practical = [item(f"p{n}", PRACTICAL_CODES[n % 3], n) for n in range(field_tested)]
    pretest = [item(f"q{n}", PRACTICAL_CODES[n % 3], n) for n in range(late)]
    with app.app_context():
        db.create_all()
        for root, pack, track, items in (
                (folder / "packs", "bench-theory", "theory", theory),
                (folder / "packs", "bench-practical", "text_classification", practical)):
            _results, problems = import_live(write_pack(root, pack, track, items))
            assert not problems, problems[:3]
        truth, states, session = set_standards_and_open(
            folder, persons, rng, pretest, "bench-pretest", "text_classification",
            "Level 5 · benchmark")
        answers = {}
        for row in db.session.scalars(select(Item)):
            scorer = get_scorer(row.type_id)
            a = truth.true_a.get(row.id, 1.0)
            b = float(np.mean(truth.true_b.get(row.id, (0.0,))))
            answers[row.id] = (scorer.gold_answer(row.spec, row.gold),
                               scorer.empty_answer(row.spec), a, b)
        session_id, operational, pretest_items = (session.public_id, states[1].operational,
                                                  states[1].pretest)
        db.session.rollback()  # on SQLite every transaction holds the write lock
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return Bank(pool, app, session_id, answers, time.perf_counter() - started, operational,
                pretest_items, persons)


def seed_history(app, attempts: int, rng: np.random.Generator) -> None:
    """``attempts`` past level-5 attempts inside the exposure window, each with 20 theory and 9
    practical showings: the rows the exposure query of every answer counts."""
    from sqlalchemy import insert

    from talentpool.accounts.models import User
    from talentpool.assessment.models import ExamAttempt, ExamSession, Item, ItemAdministration
    from talentpool.auth import Role
    from talentpool.database import utcnow

    now = utcnow()
    with app.app_context():
        from talentpool.organisations import service as organisations

        theory = db.session.scalars(select(Item.id).where(Item.track == "theory",
                                                          Item.use == "exam")).all()
        practical = db.session.scalars(select(Item.id).where(Item.track != "theory",
                                                             Item.use == "exam")).all()
        past = ExamSession(level=5, title="Past sittings", opens_at=now - dt.timedelta(days=360),
                           closes_at=now - dt.timedelta(days=1),
                           organisation=organisations.default_organisation())
        db.session.add(past)
        db.session.flush()
        for start in range(0, attempts, 2000):
            batch = range(start, min(start + 2000, attempts))
            db.session.execute(insert(User), [
                {"email": f"past{n}@example.org", "display_name": f"Past {n}",
                 "password_hash": "!", "role": Role.TRAINEE, "active": False} for n in batch])
            users = db.session.scalars(select(User.id).where(User.email.in_(
                [f"past{n}@example.org" for n in batch]))).all()
            ages = rng.uniform(1, 360, len(users))
            db.session.execute(insert(ExamAttempt), [
                {"session_id": past.id, "user_id": u, "level": 5, "state": "failed",
                 "sequence": 30, "passed": False, "form": {}, "part_results": {},
                 "started_at": now - dt.timedelta(days=age), "part_started_at":
                 now - dt.timedelta(days=age), "part_deadline": now - dt.timedelta(days=age),
                 "finished_at": now - dt.timedelta(days=age)}
                for u, age in zip(users, ages, strict=True)])
            rows = db.session.execute(select(ExamAttempt.id, ExamAttempt.finished_at).where(
                ExamAttempt.user_id.in_(users))).all()
            showings = [{"attempt_id": attempt_id, "item_id": int(item_id), "level": 5,
                         "part": part, "administered_at": at}
                        for attempt_id, at in rows
                        for part, ids, k in (("theory", theory, 20), ("practical", practical, 9))
                        for item_id in rng.choice(ids, k, replace=False)]
            db.session.execute(insert(ItemAdministration), showings)
        db.session.commit()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


# --- measuring ------------------------------------------------------------------------------

@dataclass
class StatementCounter:
    """Counts SQL statements on the engine; ``log`` keeps their text while ``recording``."""

    count: int = 0
    recording: bool = False
    log: list[str] = field(default_factory=list)

    def __call__(self, _conn, _cursor, statement, _params, _context, _executemany):
        self.count += 1
        if self.recording:
            self.log.append(" ".join(statement.split()))


@dataclass
class Samples:
    """Milliseconds and statement counts per kind of call."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sql: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    candidate: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    current: int = 0  # the candidate answering now

    def add(self, kind: str, ms: float, statements: int) -> None:
        self.ms[kind].append(ms)
        self.sql[kind].append(statements)
        self.candidate[kind].append(self.current)

    def drift(self, kind: str, candidates: int) -> tuple[float, float]:
        """Median of the first and of the last fifth of the candidates (the exposure window
        fills up as they sit)."""
        fifth = max(1, candidates // 5)
        pairs = list(zip(self.candidate[kind], self.ms[kind], strict=True))
        first = [ms for c, ms in pairs if c < fifth]
        last = [ms for c, ms in pairs if c >= candidates - fifth]
        return statistics.median(first), statistics.median(last)


def kind_of(before: str, after: str, first_practical: bool) -> list[str]:
    if before == after:
        return [STEADY, STEADY_THEORY if before == "theory" else STEADY_PRACTICAL] + (
            [FIRST_PRACTICAL] if first_practical else [])
    if before == "theory" and after == "practical":
        return [PART_START]
    return [LAST]


def answer_for(bank: Bank, item_id: int, theta: float, rng: np.random.Generator) -> dict:
    gold, empty, a, b = bank.answers[item_id]
    return gold if rng.random() < 1.0 / (1.0 + np.exp(-a * (theta - b))) else empty


def new_candidate(app, n: int) -> int:
    from talentpool.accounts.service import create_user
    from talentpool.auth import Role

    with app.app_context():
        return create_user(f"candidate{n}@example.org", f"考生 {n}", PASSWORD, Role.TRAINEE).id


def sit_through_service(bank: Bank, user_id: int, theta: float, rng: np.random.Generator,
                        counter: StatementCounter, samples: Samples, cold_at: int | None,
                        record: list | None = None, profiles: dict | None = None) -> None:
    """One candidate; every call in its own app context, as in a request."""
    from talentpool.assessment import exam
    from talentpool.caching import forget

    app = bank.app
    with app.app_context():
        before, started = counter.count, time.perf_counter()
        attempt = exam.start_attempt(user_id, bank.session_id)
        samples.add(START, 1000 * (time.perf_counter() - started), counter.count - before)
        public_id = attempt.public_id
    practical_answers = 0
    while True:
        with app.app_context():
            attempt = exam.own_attempt(user_id, public_id)
            state, item_id, sequence = attempt.state, attempt.current_item_id, attempt.sequence
            if state not in ("theory", "practical"):
                return
            answer = answer_for(bank, item_id, theta, rng)
            cold = state == "practical" and practical_answers == cold_at
            if cold:
                forget("adaptive-banks")  # the next worker has not built this part's bank yet
            recording = record is not None and state == "practical" and practical_answers == 2
            counter.recording, counter.log = recording, []
            profiler = cProfile.Profile() if profiles is not None else None
            before, started = counter.count, time.perf_counter()
            if profiler is not None:
                profiler.enable()
            exam.submit_answer(attempt, sequence, answer, duration_ms=4000)
            if profiler is not None:
                profiler.disable()
            ms, statements = 1000 * (time.perf_counter() - started), counter.count - before
            counter.recording = False
            if recording:
                record[:] = counter.log
            after = attempt.state
        kinds = [COLD] if cold else kind_of(state, after,
                                            state == "practical" and practical_answers == 0)
        for kind in kinds:
            samples.add(kind, ms, statements)
        if profiler is not None:
            profiles.setdefault(kinds[0], []).append(profiler)
        practical_answers += state == "practical"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def sit_through_http(bank: Bank, user_id: int, email: str, theta: float,
                     rng: np.random.Generator, counter: StatementCounter,
                     samples: Samples) -> None:
    """One candidate through the test client: sign in, start, answer every item."""
    from talentpool.assessment import exam

    client = bank.app.test_client()
    page = client.get("/accounts/login").get_data(as_text=True)
    reply = client.post("/accounts/login", data={"email": email, "password": PASSWORD,
                                                 "csrf_token": csrf_token(page)})
    assert reply.status_code == 302, reply.status_code
    token = csrf_token(client.get("/exams/").get_data(as_text=True))
    before, started = counter.count, time.perf_counter()
    reply = client.post(f"/exams/sessions/{bank.session_id}/start", data={"csrf_token": token})
    samples.add(START, 1000 * (time.perf_counter() - started), counter.count - before)
    assert reply.status_code == 302, reply.status_code
    public_id = reply.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    practical_answers = 0
    while True:
        with bank.app.app_context():
            attempt = exam.own_attempt(user_id, public_id)
            state, item_id, sequence = attempt.state, attempt.current_item_id, attempt.sequence
        if state not in ("theory", "practical"):
            return
        body = {"answer": answer_for(bank, item_id, theta, rng), "duration_ms": 4000}
        before, started = counter.count, time.perf_counter()
        reply = client.post(f"/exams/attempts/{public_id}/answer?sequence={sequence}",
                            json=body, headers={"X-CSRFToken": token})
        ms, statements = 1000 * (time.perf_counter() - started), counter.count - before
        assert reply.status_code == 200, reply.get_data(as_text=True)
        after = reply.get_json()["state"]
        for kind in kind_of(state, after, state == "practical" and practical_answers == 0):
            samples.add(kind, ms, statements)
        practical_answers += state == "practical"


def time_healthz(app, repeats: int, counter: StatementCounter, samples: Samples) -> None:
    client = app.test_client()
    for _ in range(repeats):
        before, started = counter.count, time.perf_counter()
        assert client.get("/healthz").status_code == 200
        samples.add(HEALTHZ, 1000 * (time.perf_counter() - started), counter.count - before)


def part_bank_megabytes(app) -> float:
    """Memory of the numpy arrays in one cached practical part bank."""
    banks = dict(app.extensions.get("talentpool_caches", {}).get("adaptive-banks", {}))
    for key, bank in banks.items():
        if key[1] == "practical":
            test = bank.test
            arrays = (test.bank.log_probs, test.bank.nodes, test.bank.pretest, test.bank.content,
                      test.membership, test.bank.items.a, test.bank.items.b)
            return sum(getattr(a, "nbytes", 0) for a in arrays) / 1e6
    return float("nan")


@dataclass
class PoolResult:
    bank: Bank
    service: Samples
    http: Samples
    answers: int
    candidates: int
    statements: list[str]
    bank_mb: float
    seconds: float


def measure_pool(bank: Bank, candidates: int, http_candidates: int, healthz: int, seed: int,
                 cold_every: int, profile: Path | None) -> PoolResult:
    from talentpool.accounts.service import find_user_by_email

    rng = np.random.default_rng(seed + 1)
    counter = StatementCounter()
    with bank.app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
    service, http = Samples(), Samples()
    statements: list[str] = []
    started = time.perf_counter()
    profiles: dict[str, list] | None = {} if profile is not None else None
    for n in range(candidates):
        service.current = n
        user_id = new_candidate(bank.app, n)
        cold_at = 3 if cold_every and n % cold_every == cold_every - 1 else None
        sit_through_service(bank, user_id, float(rng.normal()), rng, counter, service, cold_at,
                            statements if n == candidates // 2 else None, profiles)
    if profiles:
        for kind, profilers in profiles.items():
            merged = pstats.Stats(profilers[0])
            for profiler in profilers[1:]:
                merged.add(pstats.Stats(profiler))
            slug = re.sub(r"[^a-z]+", "-", kind.split("(")[0].strip().lower()).strip("-")
            merged.dump_stats(f"{profile}.{bank.pool}.{slug}.prof")
    bank_mb = part_bank_megabytes(bank.app)
    time_healthz(bank.app, healthz // 2, counter, http)
    for n in range(candidates, candidates + http_candidates):
        user_id = new_candidate(bank.app, n)
        with bank.app.app_context():
            email = find_user_by_email(f"candidate{n}@example.org").email
        sit_through_http(bank, user_id, email, float(rng.normal()), rng, counter, http)
    time_healthz(bank.app, healthz - healthz // 2, counter, http)
    answers = sum(len(service.ms[k]) + len(http.ms[k]) for k in (STEADY, PART_START, LAST, COLD))
    return PoolResult(bank, service, http, answers, candidates, statements, bank_mb,
                      time.perf_counter() - started)


# --- reporting ------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def stats_row(name: str, values: list[float], statements: list[int]) -> str:
    low, high = min(statements), max(statements)
    sql = f"{statistics.median(statements):g}" + (f" ({low}–{high})" if low != high else "")
    return (f"| {name} | {len(values):,} | {statistics.median(values):.2f} | "
            f"{percentile(values, 95):.2f} | {percentile(values, 99):.2f} | "
            f"{statistics.fmean(values):.2f} | {sql} |")


def table(samples: Samples, kinds) -> list[str]:
    lines = ["| call | n | median ms | p95 ms | p99 ms | mean ms | SQL statements (range) |",
             "|---|---:|---:|---:|---:|---:|---|"]
    lines += [stats_row(kind.replace("  ", "… "), samples.ms[kind], samples.sql[kind])
              for kind in kinds if samples.ms.get(kind)]
    return lines


def verdict(results: list[PoolResult]) -> list[str]:
    lines = [("| pool (practical exam items) | median ms | p95 ms | median ≤ 5 ms | p95 ≤ 15 ms "
              "| median, first → last fifth of candidates | through HTTP: median / p95 ms |"),
             "|---:|---:|---:|---|---|---|---|"]
    for result in results:
        values = result.service.ms[STEADY]
        median, p95 = statistics.median(values), percentile(values, 95)
        first, last = result.service.drift(STEADY, result.candidates)
        http = result.http.ms.get(STEADY)
        through = f"{statistics.median(http):.2f} / {percentile(http, 95):.2f}" if http else "—"
        lines.append(f"| {result.bank.pool:,} | {median:.2f} | {p95:.2f} | "
                     f"{'met' if median <= 5 else 'missed'} | {'met' if p95 <= 15 else 'missed'} | "
                     f"{first:.2f} → {last:.2f} | {through} |")
    return lines


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    cores = subprocess.run(["nproc"], check=False, capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    from importlib.metadata import version

    return (f"`nproc` {cores}, {cpu}; {platform.platform()}; Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, SQLAlchemy "
            f"{version('sqlalchemy')}, Flask {version('flask')}, numpy {np.__version__}; "
            f"load average {load:.2f} when the run ended; {dt.date.today().isoformat()}.")


def code_state() -> str:
    """The commit measured, and whether ``talentpool/`` had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], check=False, capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent).stdout.strip()

    head = git("log", "-1", "--format=%h (%ci)")
    changed = git("diff", "HEAD", "--name-only", "--", "talentpool").split()
    if not changed:
        return f"commit {head}, no uncommitted changes under `talentpool/`"
    digest = hashlib.sha1(git("diff", "HEAD", "--", "talentpool").encode()).hexdigest()[:10]
    return (f"commit {head} plus uncommitted changes (diff sha1 {digest}) in "
            + ", ".join(f"`{name}`" for name in changed))


def render(results: list[PoolResult], args, total_seconds: float, code: str) -> str:
    pools = ", ".join(f"{r.bank.pool:,}" for r in results)
    title = (f"Busy exposure window: {args.history:,} past attempts, pool of {pools}"
             if args.history else f"Pools of {pools} practical exam items")
    lines = [
        f"### {title}",
        "",
        (f"Run of {dt.date.today().isoformat()}: `python bench/bench_exam_answer.py "
         f"--pools {','.join(str(r.bank.pool) for r in results)} --candidates {args.candidates} "
         f"--http-candidates {args.http_candidates} --persons {args.persons} "
         f"--min-responses {args.min_responses}"
         f"{f' --history {args.history}' if args.history else ''}`"
         f"{' under `nice`' if os.nice(0) > 0 else ''}; "
         f"{total_seconds / 60:.1f} min in all."),
        "",
        "Machine: " + machine(),
        "",
        f"Code: {code} when the run started.",
        "",
        *([(f"Exposure window: {args.history:,} past level-5 attempts seeded first, "
            f"{29 * args.history:,} item showings ({20 * args.history:,} theory, "
            f"{9 * args.history:,} practical) that each answer's exposure query counts."), ""]
          if args.history else []),
        "#### Against the targets (steady answers, `exam.submit_answer`)",
        "",
        *verdict(results),
        "",
        "#### Banks",
        "",
        ("| practical exam items | operational / pretest | theory items | field test | "
         "build time | cached practical part bank | candidates (service + HTTP) | answers timed |"),
        "|---:|---|---:|---|---:|---:|---|---:|",
    ]
    for r in results:
        b = r.bank
        lines.append(
            f"| {b.pool:,} | {b.operational:,} / {b.pretest:,} | {THEORY_ITEMS} | {b.persons} "
            f"persons × every item, CALIBRATION_MIN_RESPONSES {args.min_responses} | "
            f"{b.seconds:.0f} s | {r.bank_mb:.1f} MB | {args.candidates} + "
            f"{args.http_candidates} | {r.answers:,} |")
    for r in results:
        lines += ["", f"#### {r.bank.pool:,} practical exam items", "",
                  "`exam.submit_answer` in an app context (service):", "",
                  *table(r.service, ROW_ORDER), "",
                  ("Through the test client (`POST /exams/attempts/<id>/answer`, "
                   "`POST /exams/sessions/<id>/start`), same database:"), "",
                  *table(r.http, ROW_ORDER + (HEALTHZ,))]
    sample = next((r for r in reversed(results) if r.statements), None)
    if sample:
        lines += ["", (f"#### The statements of one steady practical answer "
                       f"({sample.bank.pool:,}-item pool)"), "", "```"]
        lines += [s if len(s) <= 150 else s[:147] + "…" for s in sample.statements]
        lines += ["```"]
    return "\n".join(lines)


HEADER = """# Exam answer benchmark

Requirement: the server time of one exam answer stays at a median of 5 ms or less and a 95th
percentile of 15 ms or less, and does not grow with the size of the item pool (50, 500 and
2,000 secure items in the adaptive practical part, next to a 20-item fixed theory form).

## Method

`bench/bench_exam_answer.py` (see its docstring). Per pool size it builds one bank through
the product on SQLite in a temporary folder: packs of single-choice exam items are imported,
a simulated field test (every simulated person answers every item, `simulate_field_test`)
calibrates the theory and practical scales through `calibrate_track`, simulated Angoff panels
set level 5's cuts (θ = 0), and 5 % more practical exam items are imported afterwards, so they
stay pretest. To keep the build of the 2,000-item bank short the field test has few persons and
`CALIBRATION_MIN_RESPONSES` is lowered (both are given with each run below); answer timing does
not depend on calibration quality, only on the pool's size.

Level 5 of the benchmark scheme: a fixed theory form of 20 items (blueprint T1.1: 10,
T1.2: 10) and an adaptive practical part of 6–10 scored items (blueprint P1.1: 3, P1.2: 2,
P1.3: 2; confidence-interval stop at the cut; randomesque 3; exposure cap 25 %) plus one
pretest item at position 4.

Simulated candidates of ability θ ~ N(0, 1) sit the exam one after another; each item is
answered with its gold answer with the field test's probability of success, else with an empty
answer. Each answer runs in its own app context, as in a request: `own_attempt` loads the
attempt (not timed), then `exam.submit_answer` is timed with `time.perf_counter`, commit
included. A second group answers through the Flask test client (`POST
/exams/attempts/<id>/answer?sequence=…` with a JSON body and the CSRF header, signed in), which
adds the login check, the view and JSON handling. SQL statements per call are counted with a
SQLAlchemy `before_cursor_execute` listener. Every transaction on SQLite opens with `BEGIN
IMMEDIATE` (see `talentpool/database.py`): it counts as a statement through the test client;
in the service measure it belongs to the untimed `own_attempt` that starts the transaction. The
driver's COMMIT is not a statement and is not counted.

Calls are reported by what they do: a *steady answer* stays in its part (the per-answer
figures); the *last theory answer* also grades the theory part and starts the practical one
(assembles its pool, builds its adaptive bank); the *last answer* grades the attempt and, on a
pass, signs the certificate; `start_attempt` starts the theory part. *Part bank not cached*
is one practical answer in every fifth candidate, timed after clearing the process's part-bank
cache, which is what a request meets on a worker that has not built this part's bank yet
(several web workers, or a restart). `GET /healthz` through the same test client is the
yardstick of a trivial request in the same run.

Every answer also records an item showing for exposure control, so the exposure window fills
as the candidates sit: the "first → last fifth" column compares the steady median of the first
and the last fifth of the service candidates. `--history N` seeds N past level-5 attempts (29
showings each) into the window before timing, to see what a busy year does to every answer;
such a run writes its own block.

Re-run: `python bench/bench_exam_answer.py --out docs/benchmarks-exam.md` (about 5 minutes
on the project machine) and `python bench/bench_exam_answer.py --pools 500 --history 2000
--candidates 20 --http-candidates 5 --out docs/benchmarks-exam.md`; `--help` lists the
options, `--profile PATH` writes cProfile statistics per kind of call. The blocks between the
markers below are rewritten by each run; the findings after them are not.
"""


def write_block(path: Path, block: str, name: str, header: str | None = None) -> None:
    """Rewrite the ``<!-- bench:name -->`` block of a results file (appended when missing; a
    missing file starts with ``header``)."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    if path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = header if header is not None else HEADER + "\n## Results\n"
    new = f"{begin}\n{block.rstrip(chr(10))}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + new + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pools", default="50,500,2000",
                        help="practical exam items per bank, comma-separated")
    parser.add_argument("--candidates", type=int, default=60,
                        help="candidates per pool answering through the service")
    parser.add_argument("--http-candidates", type=int, default=15,
                        help="candidates per pool answering through the test client")
    parser.add_argument("--persons", type=int, default=150,
                        help="simulated field-test persons (each answers every item)")
    parser.add_argument("--min-responses", type=int, default=50,
                        help="CALIBRATION_MIN_RESPONSES for the field test")
    parser.add_argument("--healthz", type=int, default=400, help="yardstick requests per pool")
    parser.add_argument("--cold-every", type=int, default=5,
                        help="time one uncached part bank in every n-th candidate (0: never)")
    parser.add_argument("--history", type=int, default=0,
                        help="past level-5 attempts seeded into the exposure window first "
                        "(29 item showings each; results go to their own block)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path,
                        help="profile each service answer (cProfile; slows the run) and write the "
                        "stats per kind of call to PATH.<pool>.<kind>.prof")
    parser.add_argument("--out", type=Path, help="rewrite this Markdown file's results block")
    args = parser.parse_args()
    started, code = time.perf_counter(), code_state()
    results = []
    with tempfile.TemporaryDirectory(prefix="talentpool-bench-exam-") as tmp:
        for pool in (int(v) for v in args.pools.split(",")):
            folder = Path(tmp) / f"pool{pool}"
            bank = build_bank(folder, pool, args.persons, args.min_responses, args.seed)
            print(f"pool {pool}: bank built in {bank.seconds:.0f} s "
                  f"({bank.operational} operational, {bank.pretest} pretest)", flush=True)
            if args.history:
                seeded = time.perf_counter()
                seed_history(bank.app, args.history, np.random.default_rng(args.seed + 2))
                print(f"pool {pool}: {args.history} past attempts seeded in "
                      f"{time.perf_counter() - seeded:.0f} s", flush=True)
            gc.collect()
            result = measure_pool(bank, args.candidates, args.http_candidates, args.healthz,
                                  args.seed, args.cold_every, args.profile)
            results.append(result)
            for name, samples, kinds in (("service", result.service, ROW_ORDER),
                                         ("http", result.http, ROW_ORDER + (HEALTHZ,))):
                for kind in kinds:
                    values = samples.ms.get(kind)
                    if values:
                        print(f"  {name:<8} {kind:<58} n={len(values):>5} "
                              f"median {statistics.median(values):7.2f} ms  "
                              f"p95 {percentile(values, 95):7.2f} ms  "
                              f"SQL {statistics.median(samples.sql[kind]):g}", flush=True)
            with bank.app.app_context():
                db.session.remove()
                db.engine.dispose()
    block = render(results, args, time.perf_counter() - started, code)
    if args.out:
        write_block(args.out, block, f"exam-answer-history-{args.history}" if args.history
                    else "exam-answer")
    else:
        print(block)


if __name__ == "__main__":
    main()
