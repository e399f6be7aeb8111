"""House rule 1: the psychometrics core imports only numpy, scipy and the standard library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_psychometrics_pulls_in_no_web_stack() -> None:
    code = (
        "import sys\n"
        "import talentpool.psychometrics.adaptive_session, talentpool.psychometrics.cli\n"
        "import talentpool.psychometrics.item_analysis, talentpool.psychometrics.calibration\n"
        "import talentpool.psychometrics.facets, talentpool.psychometrics.agreement\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert result.stdout.strip() == ""
