"""Generate the speech-transcription pack: espeak-ng audio from known text.

Needs espeak-ng and sox (with the ogg/vorbis handler) when run; the app itself never
synthesises. Speed rises with difficulty and hard items get quiet brown noise.
File names are neutral (clip-001.ogg); the gold transcript is the synthesised text.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from common import EXAMS, SEED, assign_uses, item, lm, write_pack

PACK = "speech-transcription"
SOURCE = Path(__file__).parent / "data" / "speech_source.txt"
VOICE = {"zh": "cmn-latn-pinyin", "en": "en-us"}
# Polyphonic characters eSpeak NG 1.51 reads wrongly here; the synthesiser gets tone-numbered
# pinyin for them (the gold transcript keeps the characters).
PRONOUNCE = {"行业": "hang2ye4", "地铁": "di4tie3", "地方": "di4fang1", "处理": "chu3li3",
             "比例为": "bi3li4wei2"}
SPEED = {"easy": 140, "medium": 160, "hard": 175}


def synthesise(text: str, lang: str, difficulty: str, out: Path, seed: int) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if lang == "zh":
        for word, pinyin in PRONOUNCE.items():
            text = text.replace(word, pinyin)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", VOICE[lang], "-s", str(SPEED[difficulty]), "-w", str(raw), text],
                       check=True)
        if difficulty == "hard":
            noisy = Path(tmp) / "noisy.wav"
            length = subprocess.run(["soxi", "-D", str(raw)], check=True, capture_output=True, text=True).stdout
            noise = Path(tmp) / "noise.wav"
            subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", str(noise), "synth", length.strip(),
                            "brownnoise", "vol", "0.06", "repeat", "0"], check=True)
            subprocess.run(["sox", "-m", str(raw), str(noise), str(noisy)], check=True)
            raw = noisy
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-C", "0", str(out), "norm", "-2", "pad", "0.3", "0.3"],
                       check=True)


def build(make_audio: bool) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    lines = [ln for ln in SOURCE.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    rng.shuffle(lines)  # mix languages and difficulties in the item order
    items = []
    for number, line in enumerate(lines, start=1):
        lang, difficulty, element, text, note_zh, note_en = line.split("\t")
        name = f"clip-{number:03d}.ogg"
        if make_audio:
            synthesise(text, lang, difficulty, EXAMS / PACK / "assets" / name, SEED + number)
        if lang == "zh":
            prompt = lm("听录音，逐字转写普通话内容。数字按读音用汉字书写（如“二十五”），标点不计分。",
                        "Listen and transcribe the Mandarin speech word for word. Write numbers in "
                        "Chinese characters as spoken (e.g. 二十五); punctuation is not scored.")
        else:
            prompt = lm("听录音，转写英语内容。数字按读音写成英文单词，大小写和标点不计分。",
                        "Listen and transcribe the English speech. Write numbers as words; case and "
                        "punctuation are not scored.")
        ezh = f"录音原文：“{text}”。"
        een = f"The recording says: \"{text}\"."
        if note_zh != "-":
            ezh += note_zh
            een += " " + note_en
        tags = [lang, difficulty] + (["noise"] if difficulty == "hard" else [])
        items.append(item(f"st-{number:03d}", "transcription", prompt,
                          {"media": f"assets/{name}", "language": lang, "media_type": "audio"},
                          {"text": text}, lm(ezh, een), element, tags))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    import sys

    write_pack(
        PACK,
        lm("语音转写", "Speech transcription"),
        lm("普通话（及少量英语）语音逐字转写，含数字、术语、同音字和带噪声的快速语音。音频由 espeak-ng 合成。",
           "Word-for-word transcription of Mandarin (and some English) speech with numbers, terms, "
           "homophones and fast, noisy speech. Audio synthesised with espeak-ng."),
        "speech_transcription",
        build(make_audio="--no-audio" not in sys.argv),
        version=2,
    )
