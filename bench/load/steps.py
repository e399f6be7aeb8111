"""Running the load benchmark: the gunicorn server, one Locust step, CPU time per process."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")


# --- CPU time from /proc --------------------------------------------------------------------

def proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user + system ticks) of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[1]), int(rest[11]) + int(rest[12])


def tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = proc_stat(int(entry))
            if found:
                parents[int(entry)] = found[0]
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sorted(family)


def postgres_backends(database: str) -> list[int]:
    """PostgreSQL backend processes serving ``database`` (by their process title)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            found.append(int(entry))
    return found


def machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuSampler(threading.Thread):
    """Samples the CPU time of process groups every ``interval`` s; processes that start during
    the step count from zero, processes that end count up to their last sample."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], interval: float = 1.0):
        super().__init__(daemon=True)
        self.groups, self.interval = groups, interval
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}
        self.stopping = threading.Event()
        self.started_at = time.monotonic()
        self.machine_start = machine_ticks()
        self.sample(initial=True)

    def sample(self, initial: bool = False) -> None:
        for group, pids in self.groups.items():
            for pid in pids():
                found = proc_stat(pid)
                if found is None:
                    continue
                key = (group, pid)
                self.first.setdefault(key, found[1] if initial else 0)
                self.last[key] = found[1]

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def result(self) -> dict[str, float]:
        """Cores used per group over the step, and by the whole machine (``machine``)."""
        self.stopping.set()
        self.join()
        self.sample()
        elapsed = time.monotonic() - self.started_at
        cores = {group: 0.0 for group in self.groups}
        busiest: dict[str, float] = {}
        for key, last in self.last.items():
            used = (last - self.first[key]) / TICKS / elapsed
            cores[key[0]] += used
            busiest[key[0]] = max(busiest.get(key[0], 0.0), used)
        # How evenly a group's processes share the work: with keep-alive connections each
        # client stays on the gunicorn worker that accepted it, so one worker can hold most.
        cores["gunicorn busiest"] = busiest.get("gunicorn", 0.0)
        busy, total = machine_ticks()
        cpus = os.cpu_count() or 1
        cores["machine"] = cpus * (busy - self.machine_start[0]) / max(
            1, total - self.machine_start[1])
        return cores


# --- the server -----------------------------------------------------------------------------

def free_port(first: int = 8300, last: int = 8399) -> int:
    for port in range(first, last + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port in 8300–8399")


@dataclass
class Server:
    """gunicorn serving ``talentpool.app:create_app()`` with the bench's environment."""

    env: dict[str, str]
    workers: int
    threads: int
    log: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        command = [str(BIN / "gunicorn"), "-w", str(self.workers), "-k", "gthread",
                   "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}",
                   "--no-control-socket", "talentpool.app:create_app()"]
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(command, cwd=ROOT, env=env,
                                        stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.host}/healthz", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
            if self.process.poll() is not None:
                break
        raise SystemExit(f"gunicorn did not come up; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- one Locust step ------------------------------------------------------------------------

@dataclass
class Step:
    """One headless Locust run and what the database and the processes did meanwhile."""

    name: str
    profile: str  # practice | exam
    users: int
    seconds: float  # Locust's test time
    stats: dict[str, dict]  # request name → row of the stats CSV
    failures: list[dict]
    counts: dict
    stored: int  # answers written to the database during the step
    cpu: dict[str, float]
    load: float
    wall: float
    notes: list[str] = field(default_factory=list)

    @property
    def exceptions(self) -> int:
        """Errors raised in the Locust users' own code (a page without the expected token)."""
        return sum(int(row["Occurrences"]) for row in self.failures if "Exception" in row)

    @property
    def accepted(self) -> int:
        return int(self.counts.get("accepted", {}).get(self.profile, 0))

    def kind(self, prefix: str) -> list[dict]:
        return [row for name, row in self.stats.items() if name.startswith(prefix)]

    def answers(self) -> dict:
        """The answer requests together: count, and percentiles of the largest kind."""
        rows = self.kind(f"{self.profile}: answer")
        return max(rows, key=lambda r: int(r["Request Count"])) if rows else {}

    @property
    def answers_per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    @property
    def requests_per_second(self) -> float:
        row = self.stats.get("Aggregated")
        return float(row["Requests/s"]) if row else 0.0


def read_stats(prefix: Path) -> tuple[dict[str, dict], list[dict], float]:
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    with open(f"{prefix}_exceptions.csv", encoding="utf-8") as handle:
        failures += [{"Exception": row["Message"], "Occurrences": row["Count"]}
                     for row in csv.DictReader(handle)]
    total = rows.get("Aggregated")
    seconds = (int(total["Request Count"]) / float(total["Requests/s"])
               if total and float(total["Requests/s"]) else 0.0)
    return rows, failures, seconds


def run_step(name: str, profile: str, users: int, run_time: float, host: str, folder: Path,
             options: list[str], count_stored: Callable[[], int], cpu_groups: dict,
             during: Callable[[int], None] | None = None) -> Step:
    """Run Locust headless for ``run_time`` s with ``users`` users started at once."""
    prefix = folder / name
    counts = folder / f"{name}.counts.json"
    user_class = "PracticeTrainee" if profile == "practice" else "ExamCandidate"
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
               "--host", host, "-u", str(users), "-r", str(users),
               "--run-time", f"{max(1, round(run_time))}s", "--stop-timeout", "30",
               "--csv", str(prefix), "--only-summary", "--counts", str(counts),
               *options, user_class]
    before = count_stored()
    started = time.monotonic()
    with open(folder / f"{name}.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        sampler = CpuSampler({**cpu_groups, "locust": lambda: [process.pid]})
        sampler.start()
        if during:
            during(process.pid)
        process.wait(timeout=run_time + 600)
        cpu = sampler.result()
    wall = time.monotonic() - started
    stats, failures, seconds = read_stats(prefix)
    step = Step(name, profile, users, seconds, stats, failures,
                json.loads(counts.read_text()) if counts.exists() else {},
                count_stored() - before, cpu, os.getloadavg()[0], wall)
    print(f"  {name}: {users} users, {step.seconds:.0f} s ({wall:.0f} s wall), "
          f"{step.accepted} answers accepted ({step.answers_per_second:.1f}/s), "
          f"{step.stored} stored, "
          f"{step.requests_per_second:.1f} req/s, load {step.load:.2f}"
          + (f", {step.exceptions} exceptions in the users" if step.exceptions else ""),
          flush=True)
    return step
