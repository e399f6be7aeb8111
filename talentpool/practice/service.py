"""Practice use cases: which item next, scoring a submitted answer, history.

Practice draws only on ``practice`` items: secure ``exam`` items never appear here, in
feedback, in history or in exports, so nothing learned in practice gives an exam item away.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.assessment.models import ACTIVE, PRACTICE, Item
from talentpool.assessment.tracks import TRACKS, Track
from talentpool.extensions import db
from talentpool.practice import skills
from talentpool.practice.models import Response
from talentpool.scoring import ScoringError, categorize, get_scorer

MAX_ANSWER_DEPTH = 32


class AnswerError(ValueError):
    """A submitted answer was refused; the message says what is wrong (HTTP 400)."""


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
        .where(Response.user_id == user_id, Response.mode == "practice", *OPEN_ITEM)
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
              exclude: str | None = None) -> Item | None:
    """Never-attempted items first, then not-yet-mastered (weakest first), then the rest.

    The choice reads three small columns of the track's items, not their content; only the
    chosen item is loaded."""
    rng = rng or random.Random()
    items = db.session.execute(select(Item.id, Item.public_id, Item.thresholds)
                               .where(Item.track == track_id, *OPEN_ITEM)
                               .order_by(Item.id)).all()
    if not items:
        return None
    best = dict(db.session.execute(
        select(Response.item_id, func.max(Response.category))
        .where(Response.user_id == user_id, Response.track == track_id)
        .group_by(Response.item_id)).all())
    candidates = [i for i in items if i.public_id != exclude] or items
    fresh = [i for i in candidates if i.id not in best]
    if fresh:
        return db.session.get(Item, rng.choice(fresh).id)
    open_items = [i for i in candidates if best[i.id] < len(i.thresholds)]
    if open_items:
        weakest = min(best[i.id] for i in open_items)
        return db.session.get(Item, rng.choice([i for i in open_items
                                                if best[i.id] == weakest]).id)
    return db.session.get(Item, rng.choice(candidates).id)


def practice_item(public_id: str) -> Item | None:
    """An active practice item by its public id (None for exam items)."""
    return db.session.scalar(select(Item).where(Item.public_id == public_id, *OPEN_ITEM))


def parse_answer_body(raw: bytes) -> tuple[object, int | None]:
    """The ``answer`` and ``duration_ms`` of a JSON body, or AnswerError."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except RecursionError:
        raise AnswerError(_("The answer is nested too deeply.")) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise AnswerError(_("The request body is not valid JSON: %(error)s", error=error)) from None
    if not isinstance(body, dict) or "answer" not in body:
        raise AnswerError(_('Send a JSON object with an "answer" field.'))
    if set(body) - {"answer", "duration_ms"}:
        raise AnswerError(_("Unknown fields: %(fields)s.",
                            fields=", ".join(sorted(set(body) - {"answer", "duration_ms"}))))
    if _depth(body["answer"]) > MAX_ANSWER_DEPTH:
        raise AnswerError(_("The answer is nested too deeply."))
    duration = body.get("duration_ms")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)
                                 or not 0 <= duration <= 86_400_000):
        raise AnswerError(_("duration_ms must be a whole number of milliseconds."))
    return body["answer"], duration


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


def submit(user_id: int, item: Item, answer: object, duration_ms: int | None) -> Response:
    """Score ``answer`` against the item's gold and store it; nothing is stored on error."""
    try:
        result = get_scorer(item.type_id).score(item.spec, item.gold, answer)
    except ScoringError as error:
        raise AnswerError(_("Your answer could not be scored: %(problem)s", problem=error)) from None
    response = Response(user_id=user_id, item_id=item.id, item_revision=item.revision,
                        track=item.track, mode="practice", answer=answer, score=result.value,
                        category=categorize(result.value, item.thresholds),
                        max_category=item.max_category, feedback=result.feedback,
                        duration_ms=duration_ms)
    db.session.add(response)
    db.session.flush()
    skills.record(user_id, item.track)
    db.session.commit()
    return response


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
