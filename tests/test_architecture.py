"""The floors hold: nothing imports upward, no loops, the libraries stay free of Flask and of each other."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _checker():
    spec = importlib.util.spec_from_file_location("imports_check", ROOT / "scripts" / "imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_module_imports_upward_or_in_a_loop():
    checker = _checker()
    assert checker.problems(checker.graph()) == []


def test_the_checker_sees_an_upward_import():
    checker = _checker()
    graph = checker.graph()
    graph["market.postings.services"] = graph["market.postings.services"] | {"market.applications.views"}
    graph["search.documents"] = graph["search.documents"] | {"matching.features"}
    found = checker.problems(graph)
    assert any("upward: market.postings.services" in line for line in found)
    assert any("library imports library: search.documents -> matching.features" in line for line in found)


def test_the_search_library_loads_without_scikit_learn_or_flask():
    code = ("import sys, search.jobs, search.indexing, search.documents, search.query;"
            "bad = [m for m in ('sklearn', 'flask', 'matching', 'market') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_ranker_loads_without_flask_or_the_site():
    code = ("import sys, matching;"
            "bad = [m for m in ('flask', 'search', 'market') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
