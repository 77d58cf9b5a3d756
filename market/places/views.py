"""Places over HTTP: the picker's next level, and what a typed place name stands for."""

from __future__ import annotations

from flask import request

from market.errors import Invalid
from market.web import api, ok
from vocab import places, regions


def _item(region: regions.Region) -> dict:
    return {"adcode": region.adcode, "name": region.name, "full_name": places.label(region),
            "level": region.level, "has_children": bool(places.children(region.adcode))}


@api.get("/places/children")
def api_place_children():
    parent = (request.args.get("parent") or "").strip() or None
    if parent is not None and not regions.is_real(parent):
        raise Invalid({"parent": "上一级地方的行政区划代码不存在"})
    response, status = ok({"parent": parent, "items": [_item(r) for r in places.children(parent)]})
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response, status


@api.get("/places/resolve")
def api_place_resolve():
    q = (request.args.get("q") or "").strip()[:40]
    if not q:
        raise Invalid({"q": "请写一个地名，如 广东东莞"})
    found = places.resolve(q)
    return ok({"q": q, "place": _item(found.region) if found.region else None,
               "candidates": [_item(r) for r in found.candidates] if found.ambiguous else []})
