"""Practice use cases: which item next, scoring a submitted answer, history.

Practice draws only on ``practice`` items: secure ``exam`` items never appear here, in
feedback, in history or in exports, so nothing learned in practice gives an exam item away.

An empty answer is refused (nothing stored, nothing revealed) unless the task type allows
"nothing to mark" as a right answer and the trainee confirmed it. An answer given again
right after the feedback is a retry: stored and fed back, but never counted as a new
independent response (see ``is_retry``). Skipping stores nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.assessment.models import ACTIVE, PRACTICE, Item
from talentpool.assessment.tracks import TRACKS, Track
from talentpool.database import kept_loaded, utcnow
from talentpool.extensions import db
from talentpool.practice import skills
from talentpool.practice.models import Response
from talentpool.scoring import ScoringError, categorize, get_scorer

MAX_ANSWER_DEPTH = 32
# An answer to the item the trainee answered last in the track, within this time, is a retry.
RETRY_WINDOW = timedelta(minutes=30)
MAX_SKIPPED = 30


class AnswerError(ValueError):
    """A submitted answer was refused; the message says what is wrong (HTTP 400)."""


class EmptyAnswer(AnswerError):
    """Nothing was chosen, marked or typed: refused before any scoring (HTTP 400)."""


@dataclass(frozen=True)
class TrackProgress:
    """A trainee's standing in one track."""

    track: Track
    items: int
    attempted: int
    mastered: int
    responses: int
    mean_score: float | None
    last_at: datetime | None


OPEN_ITEM = (Item.status == ACTIVE, Item.use == PRACTICE)


def overview(user_id: int) -> list[TrackProgress]:
    """Progress per track that has active items."""
    counts = dict(db.session.execute(select(Item.track, func.count()).where(
        *OPEN_ITEM).group_by(Item.track)).all())
    rows = db.session.execute(
        select(Response.track, Response.item_id, func.max(Response.category), func.count(),
               func.avg(Response.score), func.max(Response.created_at))
        .join(Item, Item.id == Response.item_id)
        .where(Response.user_id == user_id, Response.mode == "practice",
               Response.retry.is_(False), *OPEN_ITEM)
        .group_by(Response.track, Response.item_id)).all()
    top = dict(db.session.execute(select(Item.id, Item.thresholds).where(
        Item.id.in_([item_id for _t, item_id, *_rest in rows]))).all())
    per_track: dict[str, list] = {}
    for track, item_id, best, n, mean, last in rows:
        per_track.setdefault(track, []).append((best >= len(top[item_id]), n, mean, last))
    progress = []
    for track in TRACKS:
        if not counts.get(track.id):
            continue
        stats = per_track.get(track.id, [])
        responses = sum(n for _m, n, _s, _l in stats)
        progress.append(TrackProgress(
            track=track, items=counts[track.id], attempted=len(stats),
            mastered=sum(1 for mastered, *_ in stats if mastered), responses=responses,
            mean_score=(sum(mean * n for _m, n, mean, _l in stats) / responses) if responses else None,
            last_at=max((last for *_x, last in stats), default=None)))
    return progress


def next_item(user_id: int, track_id: str, rng: random.Random | None = None,
              exclude: str | None = None, skipped: list[str] | tuple[str, ...] = ()) -> Item | None:
    """Never-attempted items first, then not-yet-mastered (weakest first), then the rest.

    ``exclude`` (the item just left) is not chosen while another item exists. Within each of
    the three groups, items the trainee skipped (``skipped``: public ids, longest ago first)
    wait until the group has nothing else, and then the one skipped longest ago comes back.
    Retries do not count as attempts. The choice reads three small columns of the track's
    items, not their content; only the chosen item is loaded."""
    chosen = next_item_id(user_id, track_id, rng, exclude, skipped)
    return None if chosen is None else db.session.get(Item, chosen[0])


def next_item_id(user_id: int, track_id: str, rng: random.Random | None = None,
                 exclude: str | None = None,
                 skipped: list[str] | tuple[str, ...] = ()) -> tuple[int, str] | None:
    """``next_item``'s choice as (id, public id), without loading the item."""
    rng = rng or random.Random()
    items = db.session.execute(select(Item.id, Item.public_id, Item.thresholds)
                               .where(Item.track == track_id, *OPEN_ITEM)
                               .order_by(Item.id)).all()
    if not items:
        return None
    best = dict(db.session.execute(
        select(Response.item_id, func.max(Response.category))
        .where(Response.user_id == user_id, Response.track == track_id,
               Response.retry.is_(False))
        .group_by(Response.item_id)).all())
    waiting = {public_id: order for order, public_id in enumerate(skipped)}

    def choose(group: list) -> tuple[int, str]:
        ready = [i for i in group if i.public_id not in waiting]
        row = rng.choice(ready) if ready else min(group, key=lambda i: waiting[i.public_id])
        return row.id, row.public_id

    candidates = [i for i in items if i.public_id != exclude] or items
    fresh = [i for i in candidates if i.id not in best]
    if fresh:
        return choose(fresh)
    open_items = [i for i in candidates if best[i.id] < len(i.thresholds)]
    if open_items:
        ready = [i for i in open_items if i.public_id not in waiting] or open_items
        weakest = min(best[i.id] for i in ready)
        return choose([i for i in ready if best[i.id] == weakest])
    return choose(candidates)


def remember_skip(skipped: list, public_id: str) -> list[str]:
    """The skip list (public ids, oldest first) with ``public_id`` skipped just now."""
    kept = [p for p in skipped if isinstance(p, str) and p != public_id]
    return (kept + [public_id])[-MAX_SKIPPED:]


def forget_skip(skipped: list, public_id: str) -> list[str]:
    """The skip list without an item that has now been answered."""
    return [p for p in skipped if isinstance(p, str) and p != public_id]


def practice_item(public_id: str) -> Item | None:
    """An active practice item by its public id (None for exam items)."""
    return db.session.scalar(select(Item).where(Item.public_id == public_id, *OPEN_ITEM))


def parse_answer_body(raw: bytes) -> tuple[object, int | None]:
    """The ``answer`` and ``duration_ms`` of a JSON body, or AnswerError."""
    body = _parse_body(raw, {"answer", "duration_ms"})
    return body["answer"], body.get("duration_ms")


def parse_practice_body(raw: bytes) -> tuple[object, int | None, bool]:
    """A practice answer body: ``answer``, ``duration_ms`` and ``nothing_to_mark``, the
    trainee's confirmation that an empty answer is meant (see ``submit``)."""
    body = _parse_body(raw, {"answer", "duration_ms", "nothing_to_mark"})
    nothing = body.get("nothing_to_mark", False)
    if not isinstance(nothing, bool):
        raise AnswerError(_("nothing_to_mark must be true or false."))
    return body["answer"], body.get("duration_ms"), nothing


def _parse_body(raw: bytes, allowed: set[str]) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except RecursionError:
        raise AnswerError(_("The answer is nested too deeply.")) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise AnswerError(_("The request body is not valid JSON: %(error)s", error=error)) from None
    if not isinstance(body, dict) or "answer" not in body:
        raise AnswerError(_('Send a JSON object with an "answer" field.'))
    if set(body) - allowed:
        raise AnswerError(_("Unknown fields: %(fields)s.",
                            fields=", ".join(sorted(set(body) - allowed))))
    if _depth(body["answer"]) > MAX_ANSWER_DEPTH:
        raise AnswerError(_("The answer is nested too deeply."))
    duration = body.get("duration_ms")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)
                                 or not 0 <= duration <= 86_400_000):
        raise AnswerError(_("duration_ms must be a whole number of milliseconds."))
    return body


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def _depth(value: object, level: int = 0) -> int:
    if level > MAX_ANSWER_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def submit(user_id: int, item: Item, answer: object, duration_ms: int | None,
           nothing_to_mark: bool = False) -> Response:
    """Score ``answer`` against the item's gold and store it; nothing is stored on error.

    An empty answer raises EmptyAnswer before scoring, so it reveals nothing, unless the type
    allows an empty right answer and ``nothing_to_mark`` confirms it. A retry is stored with
    ``retry=True`` and leaves the skill estimate alone."""
    scorer = get_scorer(item.type_id)
    try:
        scorer.validate_answer(item.spec, answer)
        if scorer.is_empty(answer) and not (nothing_to_mark and scorer.empty_can_be_right):
            raise EmptyAnswer(empty_answer_message(scorer.empty_can_be_right))
        result = scorer.compute(item.spec, item.gold, answer)
    except ScoringError as error:
        raise AnswerError(_("Your answer could not be scored: %(problem)s", problem=error)) from None
    retry = is_retry(user_id, item)
    response = Response(user_id=user_id, item_id=item.id, item_revision=item.revision,
                        track=item.track, mode="practice", answer=answer, score=result.value,
                        category=categorize(result.value, item.thresholds),
                        max_category=item.max_category, feedback=result.feedback,
                        duration_ms=duration_ms, retry=retry)
    db.session.add(response)
    db.session.flush()
    if not retry:
        skills.record(user_id, item.track)
    with kept_loaded():  # the reply shows this response and item as written: no reload
        db.session.commit()
    return response


def empty_answer_message(empty_can_be_right: bool) -> str:
    """What to do about an empty answer (the page shows the same words before sending)."""
    if empty_can_be_right:
        return _("Nothing is marked yet. Mark your answer first; if there really is nothing to "
                 "mark in this item, choose “Nothing to mark”. Or skip the item.")
    return _("Nothing is answered yet. Give your answer first, or skip the item.")


def is_retry(user_id: int, item: Item) -> bool:
    """Is an answer to ``item`` now a retry? Yes if the trainee's latest answer in the track,
    given within RETRY_WINDOW, is to this same item: they have just seen its feedback, so a
    new answer is not an independent response. A later return to the item is not a retry."""
    last = db.session.execute(
        select(Response.item_id, Response.created_at)
        .where(Response.user_id == user_id, Response.track == item.track,
               Response.mode == "practice")
        .order_by(Response.created_at.desc(), Response.id.desc()).limit(1)).first()
    return last is not None and last.item_id == item.id \
        and utcnow() - last.created_at <= RETRY_WINDOW


def history(user_id: int, track_id: str, limit: int = 100) -> list[Response]:
    """The trainee's most recent practice answers in a track."""
    return list(db.session.scalars(
        select(Response).where(Response.user_id == user_id, Response.track == track_id,
                               Response.mode == "practice")
        .order_by(Response.created_at.desc(), Response.id.desc()).limit(limit)))


def own_response(user_id: int, public_id: str) -> Response | None:
    """One of the trainee's own responses (None for anyone else's)."""
    return db.session.scalar(select(Response).where(Response.public_id == public_id,
                                                    Response.user_id == user_id))


def latest_answers(user_id: int, track_id: str | None = None) -> list:
    """The trainee's most recent answer to each item, as ``AnsweredItem`` for the exports."""
    from talentpool.assessment.exports import AnsweredItem
    from talentpool.input_guard import scrubbed

    query = select(Response).where(Response.user_id == user_id, Response.mode == "practice")
    if track_id:
        query = query.where(Response.track == track_id)
    latest: dict[int, Response] = {}
    for response in db.session.scalars(query.order_by(Response.created_at, Response.id)):
        latest[response.item_id] = response
    # Answers stored before input was checked may hold unencodable text (input_guard).
    return [AnsweredItem(r.item.key, r.item.type_id, r.item.spec, scrubbed(r.answer),
                         r.item.source)
            for r in sorted(latest.values(), key=lambda r: r.item.key)]
