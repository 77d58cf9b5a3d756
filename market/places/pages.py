"""Saving a form that has place fields: the places read (by name, picker or candidate chosen), the service
called once with them as adcodes, one commit; on any mistake the session rolls back and the page redraws the
form as typed, the wrong fields marked."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from market.errors import AppError
from market.places import form as place_form
from market.web import commit, db


@dataclass
class Saved:
    result: Any = None
    failure: AppError | None = None
    choices: dict[str, list[dict]] = field(default_factory=dict)


def save(form: Mapping, fields: Mapping[str, str], call: Callable[[dict], Any], *,
         required: Collection[str] = ()) -> Saved:
    """``call(data)`` with the form's fields (first value of each) and its place fields as adcodes (None when
    empty), committed; a place that could not be read, or a ``required`` one left empty, fails the form with
    the service's other complaints."""
    places, place_errors, choices = place_form.read_all(form, dict(fields))
    for name in required:
        if places[name] is None and name not in place_errors:
            place_errors[name] = f"请填写{fields[name]}：写地名，或用下面的选择框"
    data = dict(form.items()) | places
    try:
        result = place_form.checked(place_errors, lambda: call(data))
        commit()
    except AppError as exc:
        db().rollback()
        return Saved(None, exc, choices)
    return Saved(result)
