"""Regenerate every exam pack in a fixed order (pass --no-audio to keep the committed audio)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["gen_text_classification.py", "gen_named_entities.py", "gen_object_detection.py",
           "gen_speech.py", "gen_llm_preference.py", "gen_cot.py", "gen_annotation_review.py",
           "gen_theory.py", "gen_theory_advanced.py", "gen_written_work.py"]


def main() -> int:
    for script in SCRIPTS:
        args = [sys.executable, str(HERE / script)]
        if script == "gen_speech.py" and "--no-audio" in sys.argv:
            args.append("--no-audio")
        subprocess.run(args, check=True, cwd=HERE)
    return subprocess.run([sys.executable, str(HERE / "check.py")], cwd=HERE).returncode


if __name__ == "__main__":
    sys.exit(main())
