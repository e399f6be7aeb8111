"""Item-bank tables: imported exam packs and their items (never deleted, only retired)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.accounts.models import User
from talentpool.organisations.models import Organisation
from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db

ACTIVE = "active"  # live: practice, exams, calibration and field tests draw on it
DRAFT = "draft"  # new or changed content waiting for a second administrator's review
RETIRED = "retired"
PRACTICE = "practice"  # open: practice pages, feedback with the gold answer
EXAM = "exam"  # secure: exams only, never shown in practice


class ExamPack(db.Model):
    """The latest imported version of one pack."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int]
    title: Mapped[dict] = mapped_column(JSONType)
    description: Mapped[dict] = mapped_column(JSONType, default=dict)
    track: Mapped[str] = mapped_column(String(32), index=True)
    levels: Mapped[list] = mapped_column(JSONType)
    licence: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    asset_version: Mapped[str] = mapped_column(String(16))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    items: Mapped[list[Item]] = relationship(back_populates="pack")


class Item(db.Model):
    """One task. ``gold`` never leaves the server before the trainee has answered."""

    __table_args__ = (
        UniqueConstraint("pack_id", "key", name="uq_item_pack_key"),
        Index("ix_item_track_status", "track", "status"),
        Index("ix_item_use_status", "use", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    pack_id: Mapped[int] = mapped_column(ForeignKey("exam_pack.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(64))
    type_id: Mapped[str] = mapped_column(String(32))
    track: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[dict] = mapped_column(JSONType)
    spec: Mapped[dict] = mapped_column(JSONType)
    gold: Mapped[Any] = mapped_column(JSONType)
    explanation: Mapped[dict] = mapped_column(JSONType)
    element: Mapped[str] = mapped_column(String(32), index=True)
    tags: Mapped[list] = mapped_column(JSONType, default=list)
    thresholds: Mapped[list] = mapped_column(JSONType)
    levels: Mapped[list] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    use: Mapped[str] = mapped_column(String(16), default=PRACTICE, server_default=PRACTICE)
    # where a converted item came from (Label Studio task, COCO image); kept out of ``spec``,
    # which the trainee's page receives, because file names and URLs can give answers away
    source: Mapped[dict | None] = mapped_column(JSONType, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Who imported the current revision; None for the command line without --by and for items
    # imported before drafts existed. That person may not approve it (``drafts``).
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # While a changed item is a draft: its fields as they were live, to show what changed.
    previous_content: Mapped[dict | None] = mapped_column(JSONType, nullable=True)

    pack: Mapped[ExamPack] = relationship(back_populates="items")
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])

    @property
    def max_category(self) -> int:
        """Highest score category (the number of thresholds)."""
        return len(self.thresholds)


class AssessmentElement(db.Model):
    """An assessment-element code of the outline (认定要素), e.g. T2.1."""

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[dict] = mapped_column(JSONType)
    part: Mapped[str] = mapped_column(String(16))


class CalibrationRun(db.Model):
    """One calibration of a scale's items; history is kept, one run per scale is active.

    ``track`` names the scale: a skill track, or ``practical`` (every practical track
    calibrated concurrently, for the exam's practical part). The first activated run of a scale
    is its base and fixes the reporting metric; every later run is linked onto it
    (θ_base = A·θ_run + B) and stored already transformed, so all runs share one metric.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    track: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    trigger: Mapped[str] = mapped_column(String(32))
    n_persons: Mapped[int]
    n_items: Mapped[int]
    n_responses: Mapped[int]
    iterations: Mapped[int]
    log_likelihood: Mapped[float]
    converged: Mapped[bool]
    population_mean: Mapped[float]
    population_sd: Mapped[float]
    active: Mapped[bool] = mapped_column(default=False)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Linking: "base" for the run that fixed the scale, else the method used (stocking-lord),
    # or None when the run could not be linked (it can then never be activated).
    link_method: Mapped[str | None] = mapped_column(String(16))
    link_a: Mapped[float] = mapped_column(default=1.0, server_default="1")
    link_b: Mapped[float] = mapped_column(default=0.0, server_default="0")
    linked_to_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("calibration_run.id", ondelete="SET NULL"))
    anchors: Mapped[list] = mapped_column(JSONType, default=list)  # item ids used to link
    dropped_anchors: Mapped[list] = mapped_column(JSONType, default=list)  # [{item, drift}]
    link_problem: Mapped[str | None] = mapped_column(Text)
    excluded: Mapped[list] = mapped_column(JSONType, default=list)  # [{item, reason}] not fitted

    parameters: Mapped[list[ItemParameter]] = relationship(
        back_populates="run", cascade="all, delete-orphan")


class ItemParameter(db.Model):
    """An item's IRT parameters and statistics in one calibration run.

    ``category_map`` maps the stored score category to the calibrated one when sparse
    categories were merged (e.g. nobody reached the top category yet).
    """

    __table_args__ = (UniqueConstraint("run_id", "item_id", name="uq_item_parameter_run_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("calibration_run.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    model: Mapped[str] = mapped_column(String(8))
    a: Mapped[float]
    b: Mapped[list] = mapped_column(JSONType)
    c: Mapped[float] = mapped_column(default=0.0)
    se_a: Mapped[float | None]
    se_b: Mapped[list] = mapped_column(JSONType)
    category_map: Mapped[list] = mapped_column(JSONType)
    n_responses: Mapped[int]
    p_value: Mapped[float | None]
    point_biserial: Mapped[float | None]
    infit: Mapped[float | None]
    outfit: Mapped[float | None]
    flags: Mapped[list] = mapped_column(JSONType, default=list)
    # Operational items score people; the rest of the run (too few answers, degenerate,
    # misfitting) stay pretest. ``problem`` says why an item is not operational.
    operational: Mapped[bool] = mapped_column(default=True, server_default=true())
    problem: Mapped[str | None] = mapped_column(Text)

    run: Mapped[CalibrationRun] = relationship(back_populates="parameters")
    item: Mapped[Item] = relationship()


OPEN_STATES = ("theory", "practical")


class ExamSession(db.Model):
    """A session of one level's exam, open within a window.

    With a ``plan_id`` it is a proctored sitting of an assessment plan (``office``): its seated
    candidates start only after check-in, and its certificates are issued once its published
    results' appeal window has closed. Without one it is a self-paced mock exam, open to
    everyone or one cohort, that never issues a certificate.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    level: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    opens_at: Mapped[datetime] = mapped_column(DateTime)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    cohort_id: Mapped[int | None] = mapped_column(index=True)
    # The evaluation organisation that runs the sitting and issues its certificates.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_plan.id", ondelete="RESTRICT"), index=True)
    room: Mapped[str] = mapped_column(String(120), default="", server_default="")
    online: Mapped[bool] = mapped_column(default=False, server_default=false())
    capacity: Mapped[int | None]
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime)
    appeal_closes_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def certifying(self) -> bool:
        """A proctored sitting of a plan (True) or a self-paced mock exam (False)."""
        return self.plan_id is not None


class ExamAttempt(db.Model):
    """One person's attempt at a session. At most one open attempt per person and level,
    enforced by a partial unique index; ``sequence`` rejects stale or replayed pages."""

    __table_args__ = (
        Index("uq_exam_attempt_open", "user_id", "level", unique=True,
              sqlite_where=text("state IN ('theory', 'practical')"),
              postgresql_where=text("state IN ('theory', 'practical')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="RESTRICT"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(default=0)
    current_item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"))
    current_pretest: Mapped[bool] = mapped_column(default=False)
    form: Mapped[dict] = mapped_column(JSONType, default=dict)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    part_started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    part_deadline: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    theory_score: Mapped[float | None]
    theory_se: Mapped[float | None]
    practical_score: Mapped[float | None]
    practical_se: Mapped[float | None]
    panel_score: Mapped[float | None]
    provisional: Mapped[bool] = mapped_column(default=False)
    # Per part: items, answered, points, max_points, theta, se, score, status (scored /
    # not_attempted / incomplete), the estimator, the calibration run and the standard used.
    part_results: Mapped[dict] = mapped_column(JSONType, default=dict)
    passed: Mapped[bool | None]
    certificate_serial: Mapped[str | None] = mapped_column(String(64))

    session: Mapped[ExamSession] = relationship()


class ExamResponse(db.Model):
    """One answered exam item; pretest items are recorded but never scored into θ."""

    __table_args__ = (UniqueConstraint("attempt_id", "item_id", name="uq_exam_response_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempt.id", ondelete="CASCADE"),
                                            index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"))
    part: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    pretest: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[Any] = mapped_column(JSONType)
    # None while raters score a written answer (``rating``); then the final rating's value
    score: Mapped[float | None]
    category: Mapped[int | None]
    duration_ms: Mapped[int | None]
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[Item] = relationship()


class ItemAdministration(db.Model):
    """An item shown in an attempt's part: one insert per showing, never updated, so that
    exposure per level and part over a rolling window is one counting query without races."""

    __table_args__ = (
        UniqueConstraint("attempt_id", "item_id", name="uq_item_administration_attempt_item"),
        Index("ix_item_administration_window", "level", "part", "administered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempt.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    part: Mapped[str] = mapped_column(String(16))
    administered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SessionAppointment(db.Model):
    """A person appointed to a duty at one sitting by its organisation's office (``proctor``,
    ``supervisor``: ``office.plans``). Panels of levels 2 and 1 are appointed per plan
    (``rating.panel_models.PanelMember``)."""

    __table_args__ = (UniqueConstraint("session_id", "user_id", "duty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    duty: Mapped[str] = mapped_column(String(16))
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                   ondelete="SET NULL"))
    appointed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[ExamSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class StandardSetting(db.Model):
    """A standard-setting study (modified Angoff) for one level and part.

    Panellists rate, for each item of the study, the probability that a minimally competent
    candidate of the level answers it right; the ratings, through the items' parameters in
    ``run``, give the cut θ with its spread and standard error. An administrator activates a
    study; at most one is active per level and part, and a level certifies only when both of
    its parts have an active study.
    """

    __table_args__ = (
        Index("uq_standard_setting_active", "level", "part", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    level: Mapped[int]
    part: Mapped[str] = mapped_column(String(16))
    scale: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(16), default="angoff")
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    run_id: Mapped[int] = mapped_column(ForeignKey("calibration_run.id", ondelete="RESTRICT"))
    item_ids: Mapped[list] = mapped_column(JSONType)
    ratings: Mapped[dict] = mapped_column(JSONType)  # panellist → one rating (or null) per item
    cut_theta: Mapped[float]
    cut_raw: Mapped[float]
    cut_se: Mapped[float]
    spread_sd: Mapped[float]
    n_panellists: Mapped[int]
    panellist_thetas: Mapped[list] = mapped_column(JSONType, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    activated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))

    run: Mapped[CalibrationRun] = relationship()


class ItemReport(db.Model):
    """A problem with a practice item reported by a trainee who answered it (wrong key, unclear
    wording, a typo or translation, broken media), until an administrator resolves it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[Item] = relationship()


class ItemReview(db.Model):
    """A second administrator's decision on one revision of an item: ``approved`` (it goes live,
    and so does that content whenever it comes back) or ``returned`` with a note (it stays a
    draft). Rows are never changed or deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    revision: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[Item] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
