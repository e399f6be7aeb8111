"""Locust users of the load benchmark: practising trainees and exam candidates.

``bench/load/run_load.py`` builds the database and runs this file headless, one step at a time;
it can also be run by hand against a server that holds such a database::

    locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8300 -u 20 -r 20 \\
        --run-time 20s --exam-session SESSION_ID ExamCandidate

``PracticeTrainee`` signs in, then loops: the item page, ``--think`` seconds, the JSON answer,
whose reply names the next item (the page's "next" link); the track's next-item redirect is used
for the first item and after a refused request. ``ExamCandidate`` signs in, starts the session's
attempt and loads the first item page; then, every ``--pacing`` seconds (at once when 0), it
posts the answer with the ``sequence`` the page carries (``data-answer-url``, as
``static/js/exam.js`` sends it). Within a part the reply carries the next item's markup, which
the exam page swaps in, and the candidate reads the next answer URL from it; at a new part it
loads the item page. With ``--pacing`` a candidate stops when its attempt ends, and the run
quits when every candidate has finished; without it, the candidate moves on to the next unused
account and starts again (saturation steps).

A refused answer (409 stale or replayed page, 410 deadline passed, 429, 503, any other status
or no reply) is a failure named by its status, never retried as is: the candidate reloads the
item page (after ``Retry-After`` on 429 and 503) and answers whatever the server shows next.
Counts by request kind and status, and the answers accepted with 200, go to ``--counts``.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import time
from collections import Counter, defaultdict

import gevent
from locust import FastHttpUser, events, task
from locust.exception import StopUser

EMAIL_DOMAIN = "load.talentpool.test"
OPEN_STATES = ("theory", "practical")
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ANSWER_URL = re.compile(r'data-answer-url="([^"?]+)\?sequence=(\d+)"')
FORM_ERROR = re.compile(r'<p class="error"[^>]*>([^<]*)</p>')
ATTEMPT_PATH = re.compile(r"/exams/attempts/([A-Za-z0-9_-]+)$")
OPTIONS = ("o0", "o1", "o2", "o3")
REFUSALS = {409: "stale or replayed page", 410: "deadline passed", 429: "rate limited",
            503: "unavailable", 500: "server error", 0: "no reply"}

# Per process: how each kind of request ended, and the answers the server accepted (200).
STATUS: dict[str, Counter] = defaultdict(Counter)
ACCEPTED: Counter = Counter()
EVENTS: Counter = Counter()
ACCOUNTS: dict[str, itertools.count] = {}
IN_FLIGHT: Counter = Counter()  # answers sent and not yet answered, per profile
# Exam requests with the time they were sent (epoch s) and took (ms): the sitting's figures
# once every candidate has started (``steady_state``).
TIMED: list[tuple[str, float, float]] = []
STEADY_KINDS = ("exam: answer", "exam: item page", "exam: start")


# The application's own time per request kind (the Server-Timing header, SERVER_TIMING=1).
SERVER_MS: dict[str, list[float]] = defaultdict(list)
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


@events.request.add_listener
def time_exam_requests(name, start_time, response_time, response=None, **_kwargs) -> None:
    if name.startswith(STEADY_KINDS):
        TIMED.append((name, float(start_time), float(response_time)))
    header = response.headers.get("Server-Timing") if response is not None else None
    found = SERVER_TIMING.search(header or "")
    if found:
        SERVER_MS[name].append(float(found.group(1)))


def server_times() -> dict:
    """Median, mean and 95th percentile of the server's time per request kind."""
    result = {}
    for name, times in sorted(SERVER_MS.items()):
        times = sorted(times)
        result[name] = {"n": len(times), "p50": times[len(times) // 2],
                        "mean": sum(times) / len(times),
                        "p95": times[min(len(times) - 1, int(0.95 * len(times)))]}
    return result


def steady_state(pacing: float) -> dict:
    """Percentiles of the exam requests sent at least one period after the last start
    returned: the sitting once everyone is in, without the start's queue."""
    starts = [(t, ms) for name, t, ms in TIMED if name == "exam: start"]
    if not pacing or not starts:
        return {}
    first = min(t for t, _ms in starts)
    cutoff = max(t + ms / 1000 for t, ms in starts) + pacing
    kinds: dict[str, list[float]] = defaultdict(list)
    for name, t, ms in TIMED:
        if t >= cutoff and name != "exam: start":
            kinds[name].append(ms)
    result = {"from_s": cutoff - first, "until_s": max(t for _n, t, _ms in TIMED) - first,
              "kinds": {}}
    for name, times in sorted(kinds.items()):
        times.sort()
        pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
        result["kinds"][name] = {"n": len(times), "p50": pick(0.50), "p95": pick(0.95),
                                 "p99": pick(0.99), "max": times[-1]}
    return result


@events.init_command_line_parser.add_listener
def add_options(parser) -> None:
    parser.add_argument("--exam-session", default="", help="public id of the open exam session")
    parser.add_argument("--track", default="text_classification", help="practice track")
    parser.add_argument("--password", default="correct horse battery staple")
    parser.add_argument("--first-account", type=int, default=0,
                        help="number of the first account of each profile used by this run")
    parser.add_argument("--last-account", type=int, default=10**9,
                        help="accounts of each profile stop at this number (exclusive)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="practice: seconds between loading an item and answering it")
    parser.add_argument("--pacing", type=float, default=0.0,
                        help="exam: each candidate answers every PACING seconds; 0 = at once, "
                        "and a finished candidate starts again with the next account")
    parser.add_argument("--healthz", action="store_true",
                        help="GET /healthz once per iteration (the yardstick run)")
    parser.add_argument("--counts", default="", help="write status counts to this JSON file")


@events.quitting.add_listener
def write_counts(environment, **_kwargs) -> None:
    path = environment.parsed_options.counts if environment.parsed_options else ""
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"status": {name: {str(k): v for k, v in counts.items()}
                                  for name, counts in STATUS.items()},
                       "accepted": dict(ACCEPTED), "events": dict(EVENTS),
                       "in_flight": dict(IN_FLIGHT),
                       "steady": steady_state(environment.parsed_options.pacing),
                       "server": server_times()},
                      handle, indent=1)


def next_account(user, prefix: str) -> str:
    options = user.environment.parsed_options
    counter = ACCOUNTS.setdefault(prefix, itertools.count(options.first_account))
    n = next(counter)
    if n >= options.last_account:
        EVENTS[f"{prefix}: out of accounts"] += 1
        raise StopUser()
    return f"{prefix}{n}@{EMAIL_DOMAIN}"


def settle(response, name: str, expected: int) -> bool:
    """Count the reply; anything but ``expected`` is a failure named by its status."""
    status = response.status_code or 0
    STATUS[name][status] += 1
    if status == expected:
        response.success()
        return True
    reason = REFUSALS.get(status, "unexpected status")
    error = getattr(response, "error", None)
    response.failure(f"{status} {reason}" + (f": {type(error).__name__}" if error else ""))
    return False


def retry_after(response) -> float:
    try:
        return min(30.0, float(response.headers.get("Retry-After") or 1))
    except (TypeError, ValueError):
        return 1.0


class SignedIn(FastHttpUser):
    """A trainee who signs in with the login form (CSRF token from the form)."""

    abstract = True
    network_timeout = 120.0
    connection_timeout = 60.0
    profile = ""

    def sign_in(self) -> str:
        """Sign in as the next unused account; returns its address (StopUser on failure)."""
        address = next_account(self, "candidate" if self.profile == "exam" else "practice")
        self.client.cookiejar.clear()
        for _attempt in range(5):
            name = f"{self.profile}: sign-in page"
            with self.client.get("/accounts/login", name=name, catch_response=True) as page:
                if not settle(page, name, 200):
                    gevent.sleep(retry_after(page))
                    continue
                token = FORM_TOKEN.search(page.text).group(1)
            name = f"{self.profile}: sign-in"
            with self.client.post("/accounts/login", name=name, catch_response=True,
                                  allow_redirects=False,
                                  data={"email": address, "password":
                                        self.environment.parsed_options.password,
                                        "csrf_token": token}) as reply:
                if reply.status_code == 200:  # the form again: refused (e.g. throttled)
                    STATUS[name]["200 form again"] += 1
                    said = FORM_ERROR.search(reply.text or "")
                    EVENTS[f"sign-in refused: {said.group(1) if said else '?'}"] += 1
                    reply.failure("200 sign-in refused (form shown again)")
                    gevent.sleep(1.0)
                    continue
                if settle(reply, name, 302):
                    return address
                gevent.sleep(retry_after(reply))
        EVENTS[f"{self.profile}: gave up signing in"] += 1
        raise StopUser()

    def healthz(self) -> None:
        if self.environment.parsed_options.healthz:
            with self.client.get("/healthz", name="GET /healthz", catch_response=True) as reply:
                settle(reply, "GET /healthz", 200)


class PracticeTrainee(SignedIn):
    """Practice: item page, think, answer (which names the next item); again and again."""

    profile = "practice"

    def on_start(self) -> None:
        self.sign_in()
        self.after: str | None = None
        self.next_path: str | None = None

    def wait_time(self) -> float:
        return 0.0

    @task
    def practise(self) -> None:
        options = self.environment.parsed_options
        self.healthz()
        item_path, self.next_path = self.next_path, None
        if item_path is None:  # the first item, or after a refusal: the track's next item
            name = "practice: next item"
            path = f"/practice/tracks/{options.track}" + (f"?after={self.after}" if self.after
                                                          else "")
            with self.client.get(path, name=name, catch_response=True,
                                 allow_redirects=False) as reply:
                if not settle(reply, name, 302):
                    gevent.sleep(retry_after(reply))
                    return
                item_path = reply.headers["Location"]
        public_id = item_path.rstrip("/").rsplit("/", 1)[-1]
        name = "practice: item page"
        with self.client.get(item_path, name=name, catch_response=True) as page:
            if not settle(page, name, 200):
                gevent.sleep(retry_after(page))
                return
            token = META_TOKEN.search(page.text).group(1)
        if options.think:
            gevent.sleep(options.think)
        name = "practice: answer"
        IN_FLIGHT["practice"] += 1  # a user stopped while waiting for the reply leaves it here
        with self.client.post(f"/practice/items/{public_id}/answer", name=name,
                              catch_response=True, headers={"X-CSRFToken": token},
                              json={"answer": {"choice": random.choice(OPTIONS)},
                                    "duration_ms": 4000}) as reply:
            IN_FLIGHT["practice"] -= 1
            if settle(reply, name, 200):
                ACCEPTED["practice"] += 1
                body = reply.json()
                if "score" not in body:
                    EVENTS["practice: reply without a score"] += 1
                if "/practice/items/" in body.get("next_url", ""):  # as the page's "next" link
                    self.next_path = body["next_url"]
            else:
                gevent.sleep(retry_after(reply) if reply.status_code in (429, 503) else 0)
        self.after = public_id


class ExamCandidate(SignedIn):
    """Exam: sign in, start, then answer the item on the page every ``--pacing`` seconds."""

    profile = "exam"

    def on_start(self) -> None:
        self.begin()
        pacing = self.environment.parsed_options.pacing
        # Candidates start together but read at their own speed: the first answers spread
        # over the first period, then each candidate keeps its period.
        self.due = time.monotonic() + (random.uniform(0, pacing) if pacing else 0.0)
        gevent.sleep(max(0.0, self.due - time.monotonic()))

    def wait_time(self) -> float:
        pacing = self.environment.parsed_options.pacing
        if not pacing:
            return 0.0
        self.due = max(self.due + pacing, time.monotonic())
        return max(0.0, self.due - time.monotonic())

    def begin(self) -> None:
        """Sign in as the next account, start the session's attempt, load the first item."""
        self.sign_in()
        session = self.environment.parsed_options.exam_session
        name = "exam: sessions page"
        with self.client.get("/exams/", name=name, catch_response=True) as page:
            if not settle(page, name, 200):
                raise StopUser()
            token = META_TOKEN.search(page.text).group(1)
        name = "exam: start"
        with self.client.post(f"/exams/sessions/{session}/start", name=name,
                              catch_response=True, allow_redirects=False,
                              data={"csrf_token": token}) as reply:
            found = ATTEMPT_PATH.search(reply.headers.get("Location", "") or "")
            if reply.status_code == 302 and not found:  # back to the list: start refused
                STATUS[name]["302 refused"] += 1
                reply.failure("302 start refused (back to the sessions page)")
                raise StopUser()
            if not settle(reply, name, 302):
                raise StopUser()
        self.attempt = found.group(1)
        self.part = "theory"
        self.page: tuple[str, int, str] | None = None
        if not self.load_page():
            self.finish()

    def load_page(self) -> bool:
        """GET the attempt page: the item with its answer URL and sequence; False once the
        attempt is over (the result or time-up page)."""
        name = "exam: item page"
        self.page = None
        with self.client.get(f"/exams/attempts/{self.attempt}", name=name,
                             catch_response=True) as page:
            if not settle(page, name, 200):
                return True
            found = ANSWER_URL.search(page.text)
            if found is None:
                return False
            self.page = (found.group(1), int(found.group(2)),
                         META_TOKEN.search(page.text).group(1))
        return True

    def finish(self) -> None:
        """The attempt is over: stop (a sitting), or start again with the next account."""
        EVENTS["exam: attempts finished"] += 1
        if self.environment.parsed_options.pacing:
            raise StopUser()
        self.begin()

    def on_stop(self) -> None:
        options = self.environment.parsed_options
        EVENTS["exam: candidates stopped"] += 1
        if (options.pacing and EVENTS["exam: candidates stopped"] >= options.num_users
                and not EVENTS["exam: quit when all stopped"]):
            EVENTS["exam: quit when all stopped"] += 1
            gevent.spawn_later(0.5, self.environment.runner.quit)

    @task
    def answer(self) -> None:
        self.healthz()
        if self.page is None:  # a refused answer or page earlier: reload, never replay
            if not self.load_page():
                self.finish()
            return
        url, sequence, token = self.page
        self.page = None
        name = f"exam: answer ({self.part})"
        IN_FLIGHT["exam"] += 1
        with self.client.post(f"{url}?sequence={sequence}", name=name, catch_response=True,
                              headers={"X-CSRFToken": token},
                              json={"answer": {"choice": random.choice(OPTIONS)},
                                    "duration_ms": 4000}) as reply:
            IN_FLIGHT["exam"] -= 1
            accepted = settle(reply, name, 200)
            status = reply.status_code
            data = reply.json() if accepted else {}
        if not accepted:
            if status in (429, 503):
                gevent.sleep(retry_after(reply))
            if status == 410 or not self.load_page():
                self.finish()
            return
        ACCEPTED["exam"] += 1
        state = data.get("state")
        swapped = ANSWER_URL.search((data.get("item") or {}).get("html", ""))
        if state in OPEN_STATES and swapped:  # the next question came with the reply
            self.page = (swapped.group(1), int(swapped.group(2)), token)
        elif state not in OPEN_STATES or not self.load_page():
            self.finish()
            return
        self.part = state
