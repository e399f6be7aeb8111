"""Where a gunicorn worker's time goes: py-spy samples of every thread, grouped.

``py-spy record --subprocesses --idle --format raw`` writes one line per distinct stack with
its sample count. Samples of a request are those under gunicorn's ``handle_request``; within
them, the view function (``answer (talentpool/assessment/exam_views.py:…)``) marks the request
kind. Waiting (a lock, the database's reply) is sampled too (``--idle``), so a stack's share is
its share of wall time spent serving, not of CPU time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^()]*?):(?P<line>\d+)\)$")
# Request kind → its view function (name, file suffix).
VIEWS = {
    "practice: next item": ("track", "talentpool/practice/views.py"),
    "practice: item page": ("item", "talentpool/practice/views.py"),
    "practice: answer": ("answer", "talentpool/practice/views.py"),
    "exam: item page": ("attempt", "talentpool/assessment/exam_views.py"),
    "exam: answer": ("answer", "talentpool/assessment/exam_views.py"),
}


def py_spy() -> str | None:
    found = Path(sys.executable).parent / "py-spy"
    return str(found) if found.exists() else shutil.which("py-spy")


def record(pid: int, seconds: int, out: Path) -> subprocess.Popen | None:
    """Start sampling ``pid`` and its children for ``seconds`` s (None without py-spy)."""
    binary = py_spy()
    if binary is None:
        return None
    return subprocess.Popen([binary, "record", "-p", str(pid), "--subprocesses", "--idle",
                             "-r", "100", "-d", str(seconds), "-f", "raw", "-o", str(out),
                             "--nonblocking"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def frames(stack: str) -> list[tuple[str, str]]:
    parsed = []
    for raw in stack.split(";"):
        match = FRAME.match(raw)
        if match:
            parsed.append((match["function"], match["file"]))
    return parsed


def category(parsed: list[tuple[str, str]]) -> str:
    """What a sample is doing, from its deepest Python frame."""
    if not parsed:
        return "other (stdlib, JSON, logging, …)"
    function, file = parsed[-1]
    function = function.rsplit(".", 1)[-1]
    driver = ("sqlalchemy/engine/default.py" in file and function.startswith(
        ("do_execute", "do_commit", "do_rollback"))) or "psycopg/" in file or "sqlite3" in file
    if driver and any(f.endswith("_on_begin") and g.endswith("talentpool/database.py")
                      for f, g in parsed):
        return "database: waiting for SQLite's write lock (BEGIN IMMEDIATE)"
    if driver and any(f.rsplit(".", 1)[-1] == "do_commit" for f, _file in parsed):
        return "database: commit (in the driver)"
    if driver:
        return "database: statements (in the driver)"
    if "sqlalchemy/" in file:
        return "SQLAlchemy (ORM, SQL compilation, results)"
    if "jinja2/" in file or file.endswith(".html"):
        return "templates (Jinja2)"
    if "numpy/" in file or "scipy/" in file or "talentpool/psychometrics/" in file:
        return "numerics (numpy, psychometrics)"
    if "talentpool/" in file:
        return "talentpool code (own lines)"
    if any(name in file for name in ("flask/", "werkzeug/", "flask_", "babel/", "wtforms/")):
        return "Flask, Werkzeug, extensions"
    if "gunicorn/" in file:
        return "gunicorn"
    return "other (stdlib, JSON, logging, …)"


def summarize(raw: Path, kind: str) -> dict:
    """Samples serving requests, of ``kind`` in particular: shares by category and the
    talentpool functions that hold most of ``kind``'s time (inclusive)."""
    view = VIEWS.get(kind if kind in VIEWS else kind.split(" (")[0])
    serving = in_kind = 0
    by_category: Counter = Counter()
    all_categories: Counter = Counter()
    functions: Counter = Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _space, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        parsed = frames(stack)
        if not any(f == "handle_request" or f.endswith(".handle_request") for f, _ in parsed):
            continue
        n = int(count)
        serving += n
        all_categories[category(parsed)] += n
        at = next((i for i, (f, file) in enumerate(parsed)
                   if view and f.rsplit(".", 1)[-1] == view[0] and file.endswith(view[1])), None)
        if at is None:
            continue
        in_kind += n
        by_category[category(parsed)] += n
        seen = set()
        for function, file in parsed[at:]:
            if "talentpool/" in file and (function, file) not in seen:
                seen.add((function, file))
                functions[f"{function} ({file.split('talentpool/', 1)[1]})"] += n
    return {"kind": kind, "serving": serving, "samples": in_kind,
            "categories": by_category.most_common(), "functions": functions.most_common(12),
            "all": all_categories.most_common()}
