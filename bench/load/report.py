"""The load benchmark's Markdown: machine, code, command and one set of tables per back end."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import platform
import sqlite3
from importlib.metadata import version
from pathlib import Path

from steps import Step

GROWTH = 1.10  # a step that adds less than 10 % answers/s over the one before: saturated
YARDSTICK_ROWS = ("GET /healthz", "practice: next item", "practice: item page",
                  "practice: answer", "exam: item page", "exam: answer (theory)",
                  "exam: answer (practical)")


def machine(postgres: str | None, workers: int, threads: int) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                  .splitlines() if line.startswith("MemTotal"))
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"`nproc` {os.cpu_count()}, {cpu}, {memory / 2**20:.1f} GiB RAM; "
            f"{platform.platform()}; Python {platform.python_version()}, SQLite "
            f"{sqlite3.sqlite_version}" + (f", {postgres}" if postgres else "") +
            f"; gunicorn {version('gunicorn')} with {workers} workers × {threads} threads "
            f"(gthread), Locust {version('locust')} (one process, FastHttpUser), SQLAlchemy "
            f"{version('sqlalchemy')}, Flask {version('flask')}; load average {load} (1, 5, "
            f"15 min) when the run ended; {dt.date.today().isoformat()}.")


def agreement(step: Step) -> str:
    """Stored against accepted answers, with the answers that got no reply."""
    unanswered = sum(statuses.get("0", 0) for name, statuses in step.counts.get(
        "status", {}).items() if ": answer" in name)
    in_flight = step.counts.get("in_flight", {}).get(step.profile, 0)
    text = f"{step.stored:,} / {step.accepted:,}"
    if step.stored != step.accepted:
        text += f" (**differ by {step.stored - step.accepted:+,}**)"
    return (text + (f", {unanswered} without reply" if unanswered else "")
            + (f", {in_flight} in flight when the users stopped" if in_flight else ""))


def ms(row: dict, column: str) -> str:
    value = row.get(column)
    return "—" if value in (None, "", "N/A") else f"{float(value):.0f}"


def failures_text(step: Step, prefix: str = "") -> str:
    """Refused requests of ``step`` by status, e.g. ``409 ×3``."""
    counts: dict[str, int] = {}
    for name, statuses in step.counts.get("status", {}).items():
        if not name.startswith(prefix):
            continue
        for status, n in statuses.items():
            expected = "302" if name.endswith(("sign-in", "start", "next item")) else "200"
            if status != expected:
                counts[status] = counts.get(status, 0) + n
    return ", ".join(f"{status} ×{n}" for status, n in sorted(counts.items())) or "none"


def yardstick_table(steps: list[Step]) -> list[str]:
    """Client round trip (Locust) and the server's own time (``Server-Timing``) per kind."""
    lines = ["| request (one user, no other load) | n | median ms | mean ms | p95 ms | "
             "server: median / mean / p95 ms |",
             "|---|---:|---:|---:|---:|---:|"]
    for name in YARDSTICK_ROWS:
        row = next((s.stats[name] for s in steps if name in s.stats), None)
        server = next((s.counts.get("server", {}).get(name) for s in steps
                       if name in s.counts.get("server", {})), None)
        served = (f"{server['p50']:.2f} / {server['mean']:.2f} / {server['p95']:.2f}"
                  if server else "—")
        if row and int(row["Request Count"]):
            lines.append(f"| {name} | {int(row['Request Count']):,} | {ms(row, '50%')} | "
                         f"{float(row['Average Response Time']):.1f} | {ms(row, '95%')} | "
                         f"{served} |")
    return lines


def saturation_point(steps: list[Step]) -> Step | None:
    """The first step after which more users add less than 10 % answers/s."""
    for step, following in itertools.pairwise(steps):
        if following.answers_per_second < GROWTH * step.answers_per_second:
            return step
    return steps[-1] if steps else None


def cpu_text(step: Step, database: bool) -> str:
    cpu = step.cpu
    own = cpu.get("gunicorn", 0) + cpu.get("locust", 0) + cpu.get("postgres", 0)
    gunicorn = f"{cpu.get('gunicorn', 0):.2f}"
    if "gunicorn busiest" in cpu:  # the busiest worker's share of it
        gunicorn += f" ({cpu['gunicorn busiest']:.2f})"
    parts = [gunicorn, f"{cpu.get('locust', 0):.2f}"]
    if database:
        parts.append(f"{cpu.get('postgres', 0):.2f}")
    parts.append(f"{max(0.0, cpu.get('machine', 0) - own):.2f}")
    return " / ".join(parts)


def saturation_table(steps: list[Step], database: bool) -> list[str]:
    profile = steps[0].profile
    pages = (("next item", "item page") if profile == "practice" else ("item page",))
    head = ("gunicorn (busiest worker) / Locust / PostgreSQL / other" if database
            else "gunicorn (busiest worker) / Locust / other")
    lines = ["| users | answers/s | requests/s | answer p50 / p95 ms | "
             + " | ".join(f"{p} p95 ms" for p in pages)
             + f" | refused | stored / accepted | CPU cores: {head} | load |",
             "|---:|---:|---:|---:|" + "---:|" * len(pages) + "---|---:|---|---:|"]
    for step in steps:
        answer = step.answers()
        cells = [str(step.stats.get(f"{profile}: {p}", {}).get("95%", "—")) for p in pages]
        lines.append(f"| {step.users} | {step.answers_per_second:.1f} | "
                     f"{step.requests_per_second:.1f} | {ms(answer, '50%')} / "
                     f"{ms(answer, '95%')} | " + " | ".join(cells) +
                     f" | {failures_text(step)} | {agreement(step)} | "
                     f"{cpu_text(step, database)} | {step.load:.2f} |")
    point = saturation_point(steps)
    if point:
        best = max(steps, key=lambda s: s.answers_per_second)
        lines += ["", (f"Saturation point: {point.users} users, "
                      f"{point.answers_per_second:.1f} answers/s (the next step adds less than "
                      f"{100 * (GROWTH - 1):.0f} %); most answers/s seen: "
                      f"{best.answers_per_second:.1f} at {best.users} users.")]
    return lines


def sitting_table(step: Step, candidates: int, pacing: float) -> list[str]:
    finished = step.counts.get("events", {}).get("exam: attempts finished", 0)
    lines = [(f"{candidates:,} candidates started together, each answering every {pacing:g} s "
              f"(offered {candidates / pacing:.1f} answers/s): {finished:,} "
              f"attempts finished in {step.seconds:.0f} s; {step.answers_per_second:.1f} answers/s "
              f"accepted; answers stored / accepted: {agreement(step)}; "
              f"CPU cores gunicorn {step.cpu.get('gunicorn', 0):.2f}, Locust "
              f"{step.cpu.get('locust', 0):.2f}, PostgreSQL {step.cpu.get('postgres', 0):.2f}, "
              f"machine {step.cpu.get('machine', 0):.2f}; load average {step.load:.2f}."), "",
             "| request | n | req/s | p50 ms | p95 ms | p99 ms | max ms | refused |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, row in step.stats.items():
        if name == "Aggregated":
            continue
        statuses = step.counts.get("status", {}).get(name, {})
        expected = "302" if name.endswith(("sign-in", "start")) else "200"
        refused = ", ".join(f"{s} ×{n}" for s, n in sorted(statuses.items()) if s != expected)
        lines.append(f"| {name} | {int(row['Request Count']):,} | "
                     f"{float(row['Requests/s']):.1f} | {ms(row, '50%')} | {ms(row, '95%')} | "
                     f"{ms(row, '99%')} | {ms(row, 'Max Response Time')} | {refused or '—'} |")
    steady = step.counts.get("steady") or {}
    if steady.get("kinds"):
        lines += ["", (f"Once every candidate had started: the requests sent from "
                       f"{steady['from_s']:.0f} s (one period after the last start returned) to "
                       f"{steady['until_s']:.0f} s of the sitting:"), "",
                  "| request | n | p50 ms | p95 ms | p99 ms | max ms |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name, row in steady["kinds"].items():
            lines.append(f"| {name} | {row['n']:,} | {row['p50']:.0f} | {row['p95']:.0f} | "
                         f"{row['p99']:.0f} | {row['max']:.0f} |")
    return lines


def profile_lines(summary: dict, step: Step) -> list[str]:
    if not summary or not summary.get("samples"):
        return []
    total, serving = summary["samples"], summary["serving"]
    everything = dict(summary["all"])
    lines = [(f"Where the time goes: py-spy sampled every gunicorn thread 100 times a second "
              f"(waiting included) during a step of the {step.profile} profile with "
              f"{step.users} users ({step.answers_per_second:.1f} answers/s, "
              f"{step.requests_per_second:.1f} requests/s). **{summary['kind']}**, the slowest "
              f"kind with one user, holds {100 * total / serving:.0f} % of the {serving:,} "
              f"samples that serve requests. The deepest Python frame of each sample:"), "",
             "| deepest frame in | share of the view | share of all requests |",
             "|---|---:|---:|"]
    in_view = dict(summary["categories"])
    for name in sorted(set(in_view) | set(everything),
                       key=lambda c: (-in_view.get(c, 0), -everything.get(c, 0))):
        lines.append(f"| {name} | {100 * in_view.get(name, 0) / total:.0f} % | "
                     f"{100 * everything[name] / serving:.0f} % |")
    lines += ["", "| talentpool function (inclusive) | share of the view |", "|---|---:|"]
    lines += [f"| `{name}` | {100 * n / total:.0f} % |" for name, n in summary["functions"]]
    return lines
