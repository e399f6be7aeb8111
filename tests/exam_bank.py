"""``make_ready_bank``: a small secure item bank that can certify, built through the product.

Items are imported from test packs (exam and practice items in both parts), a simulated field
test calibrates the theory and practical scales, and simulated Angoff panels set each level's
cuts. The scheme gives every level a 3-item fixed theory form (T1.1) and a 2–4-item adaptive
practical part (P1.1), and no validity period unless ``validity_years`` is given; the pools hold
enough operational items for the 25 % exposure cap.
"""

from __future__ import annotations

import numpy as np
import yaml

from talentpool.assessment.field_test import simulate_angoff_panel, simulate_field_test
from talentpool.assessment.service import import_path
from tests.packs import ELEMENTS, make_item, make_pack

GOLD_SENTINEL = "考试金标准哨兵"
N_THEORY_EXAM, N_PRACTICAL_EXAM, N_PRACTICE = 16, 20, 4


def make_scheme(folder, retake_days=14, theory_items=3, practical_min=2, practical_max=4,
                pretest_positions=(), theory_mode="fixed", theory_min=None, validity_years=None):
    part = lambda code, mode, n, low: {"mode": mode, "time_limit_minutes": 30,  # noqa: E731
                                       "blueprint": {code: low}, "min_items": low,
                                       "max_items": n, "item_levels": [5, 4],
                                       **({"pretest_positions": list(pretest_positions)}
                                          if mode == "adaptive" and pretest_positions else {})}
    levels = [{"level": n, "prerequisite": None if n == 5 else n + 1,
               **({"validity_years": validity_years} if validity_years else {}),
               "retake_wait_days": retake_days, "panel_review": n <= 2,
               "eligibility": {"training_hours": 60, "routes": [
                   {"id": "test", "zh": "测试途径", "en": "Test route", "work_years": 0}]},
               "theory": part("T1.1", theory_mode, theory_items, theory_min or theory_items),
               "practical": part("P1.1", "adaptive", practical_max, practical_min)}
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


def make_ready_bank(app, tmp_path, cuts=None, n_persons=300, seed=11, packs=None,
                    panel_items=12, **scheme):
    """Import, field-test, calibrate and set standards; returns the field test's truth."""
    app.config["EXAM_SCHEME"] = str(make_scheme(tmp_path / "scheme", **scheme))
    app.config["CALIBRATION_MIN_RESPONSES"] = 200
    rng = np.random.default_rng(seed)
    with app.app_context():
        for pack in bank_packs(tmp_path / "packs", **(packs or {})):
            import_path(pack)
        truth = simulate_field_test(n_persons, rng)
        for level in (5, 4, 3, 2, 1):
            for part in ("theory", "practical"):
                cut = (cuts or {}).get((level, part), 0.0)
                simulate_angoff_panel(level, part, cut, rng, n_items=panel_items, truth=truth)
    return truth
