"""The package builds cleanly: its metadata carries an SPDX licence and no build warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs the build backend exactly as pip does for `pip install -e .`, printing every warning.
_BUILD_METADATA = """
import sys, warnings
import setuptools.build_meta as backend
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    name = backend.prepare_metadata_for_build_editable(sys.argv[1])
for warning in caught:
    print("WARNING:", warning.category.__name__, str(warning.message).replace("\\n", " "))
print("METADATA:", name)
"""


def test_the_package_metadata_builds_without_a_licence_warning(tmp_path: Path):
    built = subprocess.run(
        [sys.executable, "-c", _BUILD_METADATA, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert built.returncode == 0, built.stderr
    warnings = [line for line in built.stdout.splitlines() if line.startswith("WARNING:")]
    assert not [w for w in warnings if "licen" in w.lower()], warnings
    name = next(line for line in built.stdout.splitlines() if line.startswith("METADATA:"))[10:]
    metadata = (tmp_path / name / "METADATA").read_text(encoding="utf-8")
    assert "License-Expression: LicenseRef-Proprietary" in metadata
