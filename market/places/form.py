"""A place field on a form: a text box for a typed name (or adcode) and a province → city → county picker of
plain selects, read back as one adcode, or as a message naming what was wrong (or the places to choose from).

Field ``f`` of a form sends ``f`` (the text box), ``f__p``, ``f__c``, ``f__d`` (the selects), ``f__was`` (the
place the page showed) and, after an ambiguous name, ``f__pick`` (the candidate chosen). The selects win when
they were changed; the text box wins when it was; a candidate picked wins over both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from market.errors import AppError, Invalid
from vocab import places, regions

STEP = "place_step"  # the "下一步" button's name: fill the next select, save nothing


@dataclass
class PlaceRead:
    adcode: str | None = None
    error: str | None = None
    candidates: list[dict] = field(default_factory=list)


def _get(form: Mapping, key: str) -> str:
    return str(form.get(key) or "").strip()


def _selected(form: Mapping, name: str) -> str | None:
    """The deepest select that fits the ones above it (a city left from another province is dropped)."""
    province, city, county = (_get(form, f"{name}__{k}") for k in ("p", "c", "d"))
    chosen = None
    if regions.get(province) is not None and regions.get(province).level == regions.PROVINCE:
        chosen = province
        if city and city in {r.adcode for r in places.children(province)}:
            chosen = city
            if county and county in {r.adcode for r in places.children(city)}:
                chosen = county
    return chosen


def _candidate(region: regions.Region) -> dict:
    return {"adcode": region.adcode, "name": places.label(region)}


def read(form: Mapping, name: str, *, label: str) -> PlaceRead:
    """The place the person meant, from whichever part of the field they used."""
    pick = _get(form, f"{name}__pick")
    if pick and regions.is_real(pick):
        return PlaceRead(pick)
    was = _get(form, f"{name}__was") or None
    text = _get(form, name)
    shown = regions.full_name(was) if was else ""
    selected = _selected(form, name)
    # A page shown before this field had a picker (or an API-like post) sends the text box alone.
    has_picker = f"{name}__was" in form or f"{name}__p" in form
    if text and (text != shown or not has_picker):
        typed = _resolve(text, label)
        # The text a step (or the script) wrote from the selects, and a deeper select chosen since: the selects.
        if selected and selected != was and typed.adcode and places.contains(regions.get(typed.adcode),
                                                                               regions.get(selected)):
            return PlaceRead(selected)
        return typed
    if f"{name}__p" in form and selected != was:
        return PlaceRead(selected)
    if not text:
        return PlaceRead(None)
    return PlaceRead(was)


def _resolve(text: str, label: str) -> PlaceRead:
    found = places.resolve(text)
    if found.region is not None:
        return PlaceRead(found.region.adcode)
    if found.ambiguous:
        options = [_candidate(r) for r in found.candidates]
        return PlaceRead(None, f"“{text}”有好几个地方：{'、'.join(o['name'] for o in options)}，请选一个",
                         options)
    return PlaceRead(None, f"没找到{label}“{text}”，请写省、市、区县的名字（如 广东东莞、贵州 松桃），或用下面的选择框")


def read_all(form: Mapping, fields: dict[str, str]) -> tuple[dict[str, str | None], dict[str, str],
                                                           dict[str, list[dict]]]:
    """Every place field of a form: adcodes, messages for the wrong ones, and candidates to choose from."""
    values: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    choices: dict[str, list[dict]] = {}
    for name, label in fields.items():
        got = read(form, name, label=label)
        values[name] = got.adcode
        if got.error:
            errors[name] = got.error
            if got.candidates:
                choices[name] = got.candidates
    return values, errors, choices


def checked(place_errors: dict[str, str], call):
    """Runs a service with the places already read; a place that could not be read fails the form with the
    service's own complaints about the other fields, all at once (the caller rolls back)."""
    try:
        result = call()
    except AppError as exc:
        exc.fields.update(place_errors)
        if place_errors:
            exc.message = "；".join(exc.fields.values())
        raise
    if place_errors:
        raise Invalid(dict(place_errors))
    return result


def picker(form: Mapping | None, name: str, current: str | None = None, *, stepped: bool = False,
           candidates: list[dict] | None = None) -> dict:
    """What the template needs to draw field ``name``: the text, the three selects with their options, and
    the candidates of an ambiguous name. ``form`` is what was posted (kept as typed), or None for a page
    showing ``current``."""
    if form is None or not (f"{name}__p" in form or name in form):
        adcode = current if regions.is_real(current) else None
        text = regions.full_name(adcode) if adcode else (current or "")
        was = adcode or ""
    else:
        was = _get(form, f"{name}__was")
        text = _get(form, name)
        if stepped:  # "下一步": the selects lead and the text box follows them
            adcode = _selected(form, name)
            text = regions.full_name(adcode) if adcode else text
        else:  # kept as typed; the selects show what the field reads as
            adcode = read(form, name, label="").adcode or _selected(form, name)
            if adcode and _get(form, f"{name}__pick") == adcode:
                text = regions.full_name(adcode)  # the candidate chosen, so the name asks no more
    province, city, county = places.steps(adcode)
    levels = [
        ("p", "省", places.children(None), province),
        ("c", "市", places.children(province) if province else [], city),
        ("d", "区县", places.children(city) if city else [], county),
    ]
    return {
        "name": name, "text": text, "was": was,
        "levels": [{"key": k, "label": lab, "options": [(r.adcode, r.name) for r in opts], "selected": sel}
                   for k, lab, opts, sel in levels],
        "candidates": candidates or [],
    }


def pickers(form: Mapping | None, fields: Mapping[str, str], current: Mapping | None = None, *,
            stepped: str | None = None, choices: dict[str, list[dict]] | None = None) -> dict[str, dict]:
    """Every place field of a form drawn: as posted (``form``) or as saved (``current``, field → adcode);
    ``stepped`` is the field whose "下一步" was pressed."""
    return {name: picker(form, name, (current or {}).get(name), stepped=stepped == name,
                         candidates=(choices or {}).get(name)) for name in fields}


def search_filter(args: Mapping, name: str, *, label: str) -> tuple[str | None, dict[str, str], dict]:
    """A place filter on a search form (GET): the adcode to filter by (None: everywhere), a message naming the
    field when what was typed is not one place, and the field drawn. A place found is shown by its full name,
    so changing a select next time is not outvoted by the old text."""
    if args.get(STEP) == name:
        adcode = _selected(args, name)
        return adcode, {}, picker(args, name, stepped=True)
    got = read(args, name, label=label)
    if got.error:
        return None, {name: got.error}, picker(args, name, candidates=got.candidates)
    return got.adcode, {}, picker(None, name, got.adcode)
