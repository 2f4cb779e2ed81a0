"""A small SVG badge of a store's verdict, written locally: no badge service, no network.

The layout is the familiar flat two-part badge. Text widths are estimated
from character counts (Verdana 11px averages about 7px a character), which is
close enough for short ASCII labels.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

LABEL = "TokenStore contract"
COLOURS = {
    "conformant": "#4c1",
    "conformant-with-warnings": "#dfb317",
    "nonconformant": "#e05d44",
    "not-built": "#9f9f9f",
}
CHAR_WIDTH = 7
PADDING = 10


def badge_svg(verdict: str, label: str = LABEL, message: str | None = None) -> str:
    """The SVG text of a badge that reads ``label | message`` (the verdict, hyphens shown as spaces)."""
    message = message or verdict.replace("-", " ")
    colour = COLOURS.get(verdict, COLOURS["not-built"])
    left = len(label) * CHAR_WIDTH + PADDING
    right = len(message) * CHAR_WIDTH + PADDING
    width = left + right
    title = escape(f"{label}: {message}")
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{title}">
  <title>{title}</title>
  <linearGradient id="s" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r)">
    <rect width="{left}" height="20" fill="#555"/>
    <rect x="{left}" width="{right}" height="20" fill="{colour}"/>
    <rect width="{width}" height="20" fill="url(#s)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
    <text x="{left / 2:g}" y="14">{escape(label)}</text>
    <text x="{left + right / 2:g}" y="14">{escape(message)}</text>
  </g>
</svg>
"""


def badge_markdown(verdict: str, path: str, label: str = LABEL, message: str | None = None) -> str:
    """The Markdown line that shows the badge from where it was written."""
    return f"![{label}: {message or verdict.replace('-', ' ')}]({path})"
