"""``rubric``: written work scored by people against a rubric (human-scored).

The candidate reads a task with its materials and answers in Markdown, with uploaded files
where the task allows them. Raters score the answer criterion by criterion; the scorer turns
their points into a value. Shapes::

    spec   {"materials": [{"id": "m1", "title": {"zh": …, "en": …},
                           "text": {"zh": "Markdown …", "en": "…"}},          (text and/or
                          {"id": "m2", "title": …, "image": "assets/chart.png"}],  an image)
            "answer": {"text": true, "max_chars": 20000, "files": 2},
            "rubric": {"criteria": [
                {"id": "c1", "title": {"zh": …, "en": …},
                 "levels": [{"points": 0, "text": {"zh": …, "en": …}},
                            {"points": 2, "text": …}, {"points": 4, "text": …}]}]}}
    gold   {"notes": {"zh": "评分要点 …", "en": "marking notes …"}}   (raters only)
    answer {"text": "Markdown …", "files": [{"id": "f…", "name": "plan.xlsx",
            "type": "xlsx", "bytes": 18231}]}
    rating {"points": {"c1": 4, "c2": 2}}          (one rater's points per criterion)

A criterion's levels start at 0 points and rise strictly; a rating gives every criterion one
of its levels' points. The answer's files are stored by the application, which records their
ids; the scorer only checks the listing against the spec (count, type, size).

Score of a rating: value = Σ points / Σ maximum points over the criteria. Several raters'
ratings are combined by the application (a mean, or a severity-adjusted fair score), then
scored with :meth:`RubricScorer.score_points`.

Human-scored: :meth:`compute` scores only the empty answer (0: nothing to rate, no rater's
time spent); any other answer raises :class:`ScoringError` saying it needs raters. Default
thresholds ``[0.6]`` (the standard's pass mark of 60 out of 100).
"""

from __future__ import annotations

from typing import Any, ClassVar

from talentpool.scoring.base import Score, TaskScorer
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import (
    MAX_PATH_CHARS,
    expect_bool,
    expect_distinct,
    expect_id,
    expect_int,
    expect_list,
    expect_localised_text,
    expect_member,
    expect_object,
    expect_str,
)

MAX_MATERIALS = 10
MAX_MATERIAL_CHARS = 20_000
MAX_CRITERIA = 12
MAX_LEVELS = 8
MAX_POINTS = 100
MAX_ANSWER_CHARS = 50_000
DEFAULT_ANSWER_CHARS = 20_000
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_TYPES = ("pdf", "xlsx", "csv", "png", "jpeg")


def _expect_long_text(value: Any, path: str) -> None:
    """A Markdown text or a language map of them, each up to MAX_MATERIAL_CHARS."""
    if isinstance(value, str):
        expect_str(value, path, min_len=1, max_len=MAX_MATERIAL_CHARS)
        return
    expect_object(value, path, optional=("zh", "en"))
    if not value:
        raise ScoringError(path, "must name at least one language")
    for language, text in value.items():
        expect_str(text, f"{path}.{language}", min_len=1, max_len=MAX_MATERIAL_CHARS)


def _validate_materials(materials: Any) -> None:
    listed = expect_list(materials, "spec.materials", max_len=MAX_MATERIALS)
    ids = []
    for index, material in enumerate(listed):
        path = f"spec.materials[{index}]"
        expect_object(material, path, required=("id", "title"), optional=("text", "image"))
        ids.append(expect_id(material["id"], f"{path}.id"))
        expect_localised_text(material["title"], f"{path}.title")
        if "text" not in material and "image" not in material:
            raise ScoringError(path, "needs a text or an image")
        if "text" in material:
            _expect_long_text(material["text"], f"{path}.text")
        if "image" in material:
            expect_str(material["image"], f"{path}.image", min_len=1, max_len=MAX_PATH_CHARS)
    expect_distinct(ids, "spec.materials", "material id")


def _validate_answer_rules(rules: Any) -> None:
    expect_object(rules, "spec.answer", optional=("text", "max_chars", "files"))
    text = expect_bool(rules.get("text", True), "spec.answer.text")
    if "max_chars" in rules:
        expect_int(rules["max_chars"], "spec.answer.max_chars", low=100, high=MAX_ANSWER_CHARS)
    files = expect_int(rules.get("files", 0), "spec.answer.files", low=0, high=MAX_FILES)
    if not text and not files:
        raise ScoringError("spec.answer", "must allow a text, files or both")


def validate_rubric(rubric: Any, path: str = "spec.rubric") -> None:
    """Check a rubric ``{"criteria": [...]}`` (the shape above); ScoringError names the field.
    Panel reviews (综合评审) use the same shape in the certification scheme."""
    expect_object(rubric, path, required=("criteria",))
    criteria = expect_list(rubric["criteria"], f"{path}.criteria", min_len=1,
                           max_len=MAX_CRITERIA)
    ids = []
    for index, criterion in enumerate(criteria):
        where = f"{path}.criteria[{index}]"
        expect_object(criterion, where, required=("id", "title", "levels"))
        ids.append(expect_id(criterion["id"], f"{where}.id"))
        expect_localised_text(criterion["title"], f"{where}.title")
        levels = expect_list(criterion["levels"], f"{where}.levels", min_len=2,
                             max_len=MAX_LEVELS)
        previous = -1
        for number, level in enumerate(levels):
            at = f"{where}.levels[{number}]"
            expect_object(level, at, required=("points", "text"))
            points = expect_int(level["points"], f"{at}.points", low=0, high=MAX_POINTS)
            if number == 0 and points != 0:
                raise ScoringError(f"{at}.points", "the lowest level must be 0 points")
            if points <= previous:
                raise ScoringError(f"{at}.points", "must be more than the level before")
            previous = points
            expect_localised_text(level["text"], f"{at}.text")
    expect_distinct(ids, f"{path}.criteria", "criterion id")


def criteria(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The rubric's criteria of an already validated spec, in order."""
    return spec["rubric"]["criteria"]


def level_points(criterion: dict[str, Any]) -> list[int]:
    """The points a rater may give for ``criterion`` (its levels, lowest first)."""
    return [level["points"] for level in criterion["levels"]]


def max_points(spec: dict[str, Any]) -> int:
    """The rubric's total: every criterion at its highest level."""
    return sum(level_points(criterion)[-1] for criterion in criteria(spec))


class RubricScorer(TaskScorer):
    """Human-scored written work: value = Σ points / Σ maximum points of the raters' rating."""

    type_id = "rubric"
    default_thresholds = (0.6,)
    human_scored: ClassVar[bool] = True

    def validate_spec(self, spec: Any) -> None:
        expect_object(spec, "spec", required=("answer", "rubric"), optional=("materials",))
        _validate_materials(spec.get("materials", []))
        _validate_answer_rules(spec["answer"])
        validate_rubric(spec["rubric"])

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("notes",))
        _expect_long_text(gold["notes"], "gold.notes")

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("text", "files"))
        rules = spec["answer"]
        limit = rules.get("max_chars", DEFAULT_ANSWER_CHARS) if rules.get("text", True) else 0
        expect_str(answer["text"], "answer.text", max_len=limit)
        files = expect_list(answer["files"], "answer.files", max_len=rules.get("files", 0))
        ids = []
        for index, entry in enumerate(files):
            path = f"answer.files[{index}]"
            expect_object(entry, path, required=("id", "name", "type", "bytes"))
            ids.append(expect_id(entry["id"], f"{path}.id"))
            expect_str(entry["name"], f"{path}.name", min_len=1, max_len=200)
            expect_member(expect_str(entry["type"], f"{path}.type", max_len=10), FILE_TYPES,
                          f"{path}.type", "file type")
            expect_int(entry["bytes"], f"{path}.bytes", low=1, high=MAX_FILE_BYTES)
        expect_distinct(ids, "answer.files", "file id")

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"text": "", "files": []}

    def gold_answer(self, spec: Any, gold: Any) -> Any:
        """Rubric tasks have no answer to copy: the marking notes guide raters, not scorers."""
        raise ScoringError("gold", "a rubric task is scored by raters, not against a gold answer")

    def is_empty(self, answer: dict[str, Any]) -> bool:
        """True for an answer with no text (blank) and no file: it scores 0 without raters."""
        return not answer["text"].strip() and not answer["files"]

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        if self.is_empty(answer):
            return Score(0.0, {"empty": True})
        raise ScoringError("answer", "a rubric answer is scored by raters")

    def validate_rating(self, spec: Any, rating: Any) -> dict[str, int]:
        """Check one rater's ``{"points": {criterion id: points}}``; return the points."""
        expect_object(rating, "rating", required=("points",))
        given = expect_object(rating["points"], "rating.points",
                              optional=tuple(c["id"] for c in criteria(spec)))
        points = {}
        for criterion in criteria(spec):
            path = f"rating.points.{criterion['id']}"
            if criterion["id"] not in given:
                raise ScoringError(path, "is missing: score every criterion")
            value = given[criterion["id"]]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ScoringError(path, "must be an integer")
            expect_member(str(value), [str(p) for p in level_points(criterion)], path,
                          "level's points")
            points[criterion["id"]] = value
        return points

    def score_points(self, spec: Any, points: dict[str, float]) -> Score:
        """Score criterion points (one rater's, or the raters' mean or fair points).

        value = Σ points / Σ maximum points, each criterion's points clipped to its range."""
        total = 0.0
        for criterion in criteria(spec):
            top = level_points(criterion)[-1]
            total += min(float(top), max(0.0, float(points.get(criterion["id"], 0.0))))
        value = total / max_points(spec)
        return Score(float(min(1.0, max(0.0, value))),
                     {"points": {key: float(val) for key, val in points.items()},
                      "total": round(total, 2), "max": max_points(spec)})


SCORER = RubricScorer()
