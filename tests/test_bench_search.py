"""python -m bench.search end to end on a tiny market-v1 folder: every section prints, nothing is left
running, no answer is degraded and the browse totals equal the database's."""

import datetime as dt

import pytest

from bench.search import main
from tests.marketfiles import write_tiny_market

pytestmark = pytest.mark.meili

DAY = dt.date(2026, 4, 15)


@pytest.fixture
def tiny_market(tmp_path):
    return write_tiny_market(tmp_path)


def test_benchmark_runs_on_a_tiny_market(tiny_market, capsys):
    code = main(["--data", str(tiny_market), "--day", DAY.isoformat(), "--per-style", "1", "--index-rounds", "1",
                 "--rounds", "1", "--workers", "1", "--profile", "--profile-top", "3"])
    out = capsys.readouterr().out
    assert code == 0, out
    for heading in ("indexing (until searchable)", "median ratio", "latency, ms per request", "Meilisearch direct",
                    "profile:", "relevance (", "checks", "wall time", "own work p50"):
        assert heading in out, heading
    assert "degraded: 0, errors: 0" in out
    assert "≠" not in out  # every browse total equals the database's
    all_row = next(line for line in out.splitlines() if line.strip().startswith("ALL ("))
    assert all_row.split()[2] == "1.000"  # the app's precision@10 on queries with unambiguous answers
