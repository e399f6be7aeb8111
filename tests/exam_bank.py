"""``make_ready_bank``: a small secure item bank that can certify, built through the product.

Items are imported from test packs (exam and practice items in both parts), a simulated field
test calibrates the theory and practical scales, and simulated Angoff panels set each level's
cuts. The scheme gives every level a 3-item fixed theory form (T1.1) and a 2–4-item adaptive
practical part (P1.1), and no validity period unless ``validity_years`` is given; the pools hold
enough operational items for the 25 % exposure cap.

Building a bank takes about two seconds; each test process builds each distinct bank once and
keeps a snapshot of its rows, which later calls with the same arguments on an empty database
insert again (see ``BankSnapshot``).
"""

from __future__ import annotations

import atexit
import copy
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from flask import current_app
from sqlalchemy import func, literal, select

from talentpool.assessment.field_test import simulate_angoff_panel, simulate_field_test
from talentpool.extensions import db
from tests.packs import ELEMENTS, import_live, make_item, make_pack

GOLD_SENTINEL = "考试金标准哨兵"
N_THEORY_EXAM, N_PRACTICAL_EXAM, N_PRACTICE = 16, 20, 4


def eligibility(level: int) -> dict:
    """A level's 申报条件: years of work, and from level 4 up the level below plus years."""
    routes = [{"id": "work", "zh": "累计从事本职业工作", "en": "Years of work in the occupation",
               "work_years": 6 - level}]
    if level < 5:
        routes.append({"id": "prior", "zh": "取得下一级证书后从事本职业工作",
                       "en": "The level below, then work", "prior_level": level + 1,
                       "work_years": 2})
    return {"training_hours": {5: 60, 4: 50, 3: 40, 2: 40, 1: 30}[level], "routes": routes}


def bilingual(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


# The panel review (综合评审) of levels 2 and 1: three members, the mean of their totals passes
# at 60; a two-criterion rubric of 40 + 60 points.
PANEL_RULE = {"members": 3, "pass_mark": 60, "rule": "mean", "summary": {"min_chars": 50,
                                                                        "files": 1},
              "rubric": {"criteria": [
                  {"id": "work", "title": bilingual("工作总结", "Work summary"),
                   "levels": [{"points": p, "text": bilingual(f"{p} 分", f"{p} points")}
                              for p in (0, 20, 30, 40)]},
                  {"id": "defence", "title": bilingual("答辩", "Defence"),
                   "levels": [{"points": p, "text": bilingual(f"{p} 分", f"{p} points")}
                              for p in (0, 30, 45, 60)]}]}}


def make_scheme(folder, retake_days=14, theory_items=3, practical_min=2, practical_max=4,
                pretest_positions=(), theory_mode="fixed", theory_min=None, validity_years=None,
                rated_levels=(), rated=None, panel=None):
    """The scheme of the test bank; ``rated_levels`` get a rated practical part of two written
    tasks (P1.1) scored by raters instead of the adaptive one."""
    part = lambda code, mode, n, low: {"mode": mode, "time_limit_minutes": 30,  # noqa: E731
                                       "blueprint": {code: low}, "min_items": low,
                                       "max_items": n, "item_levels": [5, 4],
                                       **({"pretest_positions": list(pretest_positions)}
                                          if mode == "adaptive" and pretest_positions else {})}
    levels = [{"level": n, "prerequisite": None if n == 5 else n + 1,
               **({"validity_years": validity_years} if validity_years else {}),
               "retake_wait_days": retake_days,
               "panel_review": (panel or PANEL_RULE) if n <= 2 else False,
               "eligibility": eligibility(n),
               "theory": part("T1.1", theory_mode, theory_items, theory_min or theory_items),
               "practical": {"mode": "rated", "time_limit_minutes": 60,
                             "blueprint": {"P1.1": 2}, "item_levels": [n], **(rated or {})}
               if n in rated_levels else part("P1.1", "adaptive", practical_max, practical_min)}
              for n in (5, 4, 3, 2, 1)]
    path = folder / "certification-scheme.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"occupation": {"zh": "人工智能训练师", "en": "AI trainer"},
                                    "work_type": {"zh": "数据标注员", "en": "Data annotator"},
                                    "grace_seconds": 30, "levels": levels}, allow_unicode=True))
    (folder / "elements.yaml").write_text(yaml.safe_dump({"elements": ELEMENTS},
                                                         allow_unicode=True))
    return path


def bank_packs(root, n_theory=N_THEORY_EXAM, n_practical=N_PRACTICAL_EXAM,
               practical_type="transcription"):
    """Write the theory and practical packs; exam items carry use: exam."""
    theory = [make_item("single_choice", f"t{n}", element="T1.1", use="exam",
                        tags=[("easy", "medium", "hard")[n % 3]])
              for n in range(n_theory)]
    theory += [make_item("single_choice", f"tp{n}", element="T1.1") for n in range(N_PRACTICE)]
    gold = (lambda n: {"gold": {"text": GOLD_SENTINEL + str(n)}}) \
        if practical_type == "transcription" else (lambda n: {})
    practical = [make_item(practical_type, f"p{n}", use="exam",
                           tags=[("easy", "medium", "hard")[n % 3]], **gold(n))
                 for n in range(n_practical)]
    practical += [make_item(practical_type, f"pp{n}") for n in range(N_PRACTICE)]
    return (make_pack(root, "theory-pack", items=theory, track="theory"),
            make_pack(root, "practical-pack", items=practical))


def written_pack(root, levels=(3, 2, 1), n_tasks=3):
    """A written-work pack: rubric tasks (P1.1) for ``levels``, secure."""
    items = [make_item("rubric", f"w{n}", use="exam", levels=list(levels))
             for n in range(n_tasks)]
    return make_pack(root, "written-pack", items=items)


@dataclass
class BankSnapshot:
    """A built bank: every table's rows, the files written and imported (scheme, pack sources,
    pack assets in the instance folder) and the field test's truth."""

    rows: dict[str, list[dict]]
    files: Path
    truth: object

    @classmethod
    def take(cls, tmp_path: Path, truth) -> BankSnapshot:
        rows = {table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
                for table in db.metadata.sorted_tables}
        files = Path(tempfile.mkdtemp(prefix="ready-bank-"))
        atexit.register(shutil.rmtree, files, True)
        (files / "assets").mkdir()
        if _assets_folder().exists():
            shutil.copytree(_assets_folder(), files / "assets", dirs_exist_ok=True)
        for folder in SOURCE_FOLDERS:
            if (tmp_path / folder).exists():
                shutil.copytree(tmp_path / folder, files / "sources" / folder)
        return cls(rows, files, copy.deepcopy(truth))

    def restore(self, tmp_path: Path):
        """Insert the rows into the (empty) database and write the files; returns a copy of the
        truth."""
        for table in db.metadata.sorted_tables:
            if self.rows[table.name]:
                db.session.execute(table.insert(), self.rows[table.name])
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in db.metadata.sorted_tables:
                column = table.c.get("id")
                if self.rows[table.name] and column is not None and column.autoincrement:
                    db.session.execute(select(func.setval(
                        func.pg_get_serial_sequence(table.name, "id"),
                        select(func.max(column)).scalar_subquery())))
        db.session.commit()
        shutil.copytree(self.files / "assets", _assets_folder(), dirs_exist_ok=True)
        shutil.copytree(self.files / "sources", tmp_path, dirs_exist_ok=True)
        return copy.deepcopy(self.truth)


_SNAPSHOTS: dict[str, BankSnapshot] = {}
SOURCE_FOLDERS = ("scheme", "packs", "written")


def _assets_folder() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "packs"


def _database_is_empty() -> bool:
    return all(db.session.execute(select(literal(1)).select_from(table).limit(1)).first() is None
               for table in db.metadata.sorted_tables)


def make_ready_bank(app, tmp_path, cuts=None, n_persons=300, seed=11, packs=None,
                    panel_items=12, **scheme):
    """Import, field-test, calibrate and set standards; returns the field test's truth. With
    ``rated_levels`` a written-work pack is imported too, and those levels' practical parts are
    rated (no standard study). On an empty database a bank built before in this process with the
    same arguments is restored from its snapshot instead of built again."""
    app.config["EXAM_SCHEME"] = str(tmp_path / "scheme" / "certification-scheme.yaml")
    app.config["CALIBRATION_MIN_RESPONSES"] = 200
    rng = np.random.default_rng(seed)
    rated = scheme.get("rated_levels", ())
    key = repr((cuts, n_persons, seed, packs, panel_items, sorted(scheme.items())))
    with app.app_context():
        empty = _database_is_empty()
        if empty and key in _SNAPSHOTS:
            return _SNAPSHOTS[key].restore(tmp_path)
        make_scheme(tmp_path / "scheme", **scheme)
        for pack in bank_packs(tmp_path / "packs", **(packs or {})):
            import_live(pack)
        if rated:
            import_live(written_pack(tmp_path / "written", levels=rated))
        truth = simulate_field_test(n_persons, rng)
        for level in (5, 4, 3, 2, 1):
            for part in ("theory", "practical"):
                if part == "practical" and level in rated:
                    continue
                cut = (cuts or {}).get((level, part), 0.0)
                simulate_angoff_panel(level, part, cut, rng, n_items=panel_items, truth=truth)
        if empty:
            _SNAPSHOTS[key] = BankSnapshot.take(tmp_path, truth)
    return truth
