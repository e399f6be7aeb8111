"""House rule 1: the pure cores never import Flask or SQLAlchemy."""

import importlib.util
import subprocess
import sys

import pytest

PURE = ["talentpool", "talentpool.scoring", "talentpool.psychometrics",
        "talentpool.psychometrics.decisions", "talentpool.psychometrics.linking",
        "talentpool.psychometrics.standard_setting", "talentpool.psychometrics.fit",
        "talentpool.psychometrics.dif", "talentpool.psychometrics.facets",
        "talentpool.psychometrics.agreement"]


@pytest.mark.parametrize("module", PURE)
def test_pure_core_imports_no_web_or_database_code(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not part of this tree")
    code = (f"import sys, {module}; bad = [m for m in ('flask', 'sqlalchemy', 'werkzeug') "
            "if m in sys.modules]; print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
