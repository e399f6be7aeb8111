"""Settings that protect the measurement have safe defaults."""

from talentpool.config import load_config


def test_items_need_300_first_answers_before_they_score_people(monkeypatch):
    monkeypatch.delenv("CALIBRATION_MIN_RESPONSES", raising=False)
    assert load_config()["CALIBRATION_MIN_RESPONSES"] == 300
