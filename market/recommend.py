"""The site's side of matching: loads the trained ranker if there is one, else the transparent fallback."""

from __future__ import annotations


class RankerService:
    def __init__(self, model_dir: str):
        self.model_dir = model_dir

    def has_model(self) -> bool:
        return False
