"""QR codes (SVG, drawn by segno) that open a page of the site at its public address."""

from __future__ import annotations

import io

import segno


def public_url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


def svg(url: str, *, scale: int = 4) -> bytes:
    """A standalone SVG image; medium error correction survives a creased or smudged poster."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=scale, border=4, xmldecl=True)
    return out.getvalue()


def svg_inline(url: str, *, scale: int = 4) -> str:
    """The same code as markup to put inside a page (the poster)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, border=4)
