"""The skill tracks: one scale each, with the task types its items may use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    """A skill track; ``id`` is stored in the database and in exam packs and never renamed."""

    id: str
    zh: str
    en: str
    task_types: tuple[str, ...]
    practical: bool = True

    def name(self, locale: str) -> str:
        """Display name in the locale ("zh_CN" or "en")."""
        return self.en if locale == "en" else self.zh


TRACKS: tuple[Track, ...] = (
    Track("text_classification", "文本分类", "Text classification", ("single_choice", "multi_choice")),
    Track("named_entities", "命名实体标注", "Named entities", ("text_spans",)),
    Track("object_detection", "图像目标检测", "Image object detection", ("bbox",)),
    Track("speech_transcription", "语音转写", "Speech transcription", ("transcription",)),
    Track("llm_preference", "大模型回答偏好排序", "LLM response preference", ("ranking",)),
    Track("cot_checking", "思维链步骤校验", "Chain-of-thought checking", ("cot_steps",)),
    Track("annotation_review", "标注质检", "Annotation review", ("review",)),
    Track("theory", "理论知识", "Theory", ("single_choice", "multi_choice"), practical=False),
)
TRACKS_BY_ID = {track.id: track for track in TRACKS}

# Written work scored by raters (levels 3–1): a track of packs and exams, but not of practice,
# skills or calibration — its items are never practised and sit on no IRT scale.
WRITTEN_WORK = Track("written_work", "书面实操（人工评分）", "Written practical work (rated)",
                     ("rubric",))
PACK_TRACKS_BY_ID = {**TRACKS_BY_ID, WRITTEN_WORK.id: WRITTEN_WORK}


@dataclass(frozen=True)
class Scale:
    """A calibration scale: one track (skills) or several calibrated concurrently (the exam's
    practical part). ``id`` is stored on calibration runs and standards and never renamed."""

    id: str
    zh: str
    en: str
    tracks: tuple[str, ...]

    def name(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


PRACTICAL_SCALE = Scale("practical", "技能考核（全部实操赛道联合标定）",
                        "Practical (all labeling tracks, calibrated together)",
                        tuple(t.id for t in TRACKS if t.practical))
SCALES: tuple[Scale, ...] = tuple(Scale(t.id, t.zh, t.en, (t.id,)) for t in TRACKS) + (
    PRACTICAL_SCALE,)
SCALES_BY_ID = {scale.id: scale for scale in SCALES}

# Display names of the task types (type ids are stored and never renamed; pages show these).
TASK_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "single_choice": ("单选", "Single choice"),
    "multi_choice": ("多选", "Multiple choice"),
    "text_spans": ("文本片段标注", "Text spans"),
    "bbox": ("矩形框标注", "Bounding boxes"),
    "transcription": ("转写", "Transcription"),
    "ranking": ("回答排序", "Response ranking"),
    "cot_steps": ("推理步骤校验", "Reasoning steps"),
    "review": ("标注质检", "Annotation review"),
    "rubric": ("人工评分作答", "Rated written work"),
}


def task_type_name(type_id: str, locale: str) -> str:
    """Display name of a task type in the locale ("zh_CN" or "en"); the id if unknown."""
    zh, en = TASK_TYPE_NAMES.get(type_id, (type_id, type_id))
    return en if locale == "en" else zh


def track_name(track_id: str, locale: str) -> str:
    """Display name of a track (written work included) in the locale; the id if unknown."""
    track = PACK_TRACKS_BY_ID.get(track_id)
    return track.name(locale) if track else track_id
