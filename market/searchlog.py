"""The server's own log of searches: what was asked and how many jobs answered, never who asked.

One JSON line per search; `flask --app wsgi search zero-rate` reads it back (the rate of searches that
found nothing, and which queries they were).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

from market import clock

log = logging.getLogger("market.searches")
# A phone or ID number typed into the search box is no query: long digit runs are masked.
_DIGITS = re.compile(r"\d{5,}")


def open_log(path: str | None) -> None:
    """Write search lines to ``path`` (rotated at 5 MB, three kept); once per process and path.

    An app made again with another path (a test, a second app in one process) writes to the new one.
    """
    if not path:
        return
    target = str(Path(path).resolve())
    for handler in list(log.handlers):
        if isinstance(handler, RotatingFileHandler):
            if handler.baseFilename == target:
                return
            log.removeHandler(handler)
            handler.close()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def record(*, q: str, total: int, degraded: bool, understood: str | None) -> None:
    if not log.handlers:
        return
    log.info(json.dumps({"at": clock.now().isoformat(timespec="seconds"), "q": _DIGITS.sub("#", q or "")[:100],
                         "total": total, "degraded": degraded, "understood": understood is not None},
                        ensure_ascii=False))


@dataclass
class ZeroRate:
    searches: int
    with_words: int
    zero: int
    top_zero: list[tuple[str, int]]

    @property
    def rate(self) -> float:
        return self.zero / self.with_words if self.with_words else 0.0


def zero_rate(lines: Iterable[str], *, top: int = 20) -> ZeroRate:
    """Of the searches with words (a bare browse always has answers), how many found nothing."""
    searches = with_words = zero = 0
    missed: Counter[str] = Counter()
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        searches += 1
        if not row.get("q"):
            continue
        with_words += 1
        if row.get("total") == 0:
            zero += 1
            missed[row["q"]] += 1
    return ZeroRate(searches, with_words, zero, missed.most_common(top))
