"""examples/dask_pipeline.py --small end to end: a 2-process dask LocalCluster runs k-means and
block-wise robust statistics with simdkern and with numpy/scipy/sklearn; the script checks one
block against scikit-learn / numpy / scipy and the two pipelines against each other (exit 0)."""
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.array")
pytest.importorskip("dask.distributed")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dask_pipeline.py"


def test_dask_pipeline_small(tmp_path):
    r = subprocess.run([sys.executable, str(EXAMPLE), "--small"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=180)
    assert r.returncode == 0, f"exit {r.returncode}\n--- stdout\n{r.stdout}\n--- stderr\n{r.stderr[-4000:]}"
    assert "all checks PASS" in r.stdout
