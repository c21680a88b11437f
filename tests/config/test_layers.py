"""The layer contract (pyproject.toml, `lint-imports`): it holds for the code
as it is, and it catches a face that imports another face."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=src.parent,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_the_layer_contract():
    result = lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_face_importing_a_face_breaks_the_contract(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "etjanst",
        src / "etjanst",
        ignore=shutil.ignore_patterns("*.mo", "static", "__pycache__"),
    )
    (src / "etjanst" / "staff" / "views" / "shortcut.py").write_text(
        "def receipt(request):\n"
        "    from etjanst.portal.views.receipts import receipt  # hidden in a function\n\n"
        "    return receipt(request)\n"
    )
    result = lint_imports(src)
    assert result.returncode != 0
    assert "etjanst.staff is not allowed to import etjanst.portal" in result.stdout
    assert "etjanst.staff.views.shortcut -> etjanst.portal.views.receipts" in result.stdout
