"""The site's side of search: answers GET /api/v1/jobs from Meilisearch when it can.

When no search engine is configured, browsing answers from the database (and says so: degraded).
"""

from __future__ import annotations

from datetime import date

from market.config import Settings
from market.postings.browse import JobFilters, Page


class SearchGateway:
    def __init__(self, settings: Settings):
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchGateway | None:
        if not settings.MEILI_URL:
            return None
        return cls(settings)

    def prepare(self) -> None:
        """At start-up: make sure the index exists with its settings."""

    def healthy(self) -> bool:
        return False

    def search(self, filters: JobFilters, *, today: date) -> Page | None:
        return None
