"""The coverage map (一张图) as a PNG for a report: the same rows the page draws (``present.map_layers``), painted with
Pillow (which Streamlit already installs) on a plain background, with a title, the date and the legend.

A raster drawn here rather than a screenshot of the browser map: it needs no browser, comes out the same for the
same graph state (a test compares it), and the CLI (``orggraph map``) and the page's download share it. Names are
written in the system's CJK font (Noto CJK, which ``make browser`` installs; found through fontconfig); without one
the picture is drawn without words and ``MapImage.lettered`` says so.
"""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1200  # pixels: an A4 page's width at ~190 dpi
MARGIN, HEADER, FOOTER = 40, 90, 110
BACKGROUND, INK, OUTLINE = (251, 251, 248), (40, 40, 40), (80, 80, 80, 200)
FONT_FILES = (  # where Debian's fonts-noto-cjk and wqy put a CJK font, if fontconfig is not there to ask
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
Bounds = tuple[float, float, float, float]  # west, south, east, north
Rgba = tuple[int, int, int, int]


@dataclass(frozen=True)
class MapImage:
    png: bytes
    lettered: bool  # False: no CJK font on this machine, the picture carries no words


@functools.cache
def cjk_font_file() -> str | None:
    """A font file that writes Chinese: fontconfig's list for zh-cn (a regular sans first), else a known Debian
    path, else None."""
    listed: list[str] = []
    if shutil.which("fc-list"):
        try:
            done = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10)
            listed = sorted(line.split(":")[0].strip() for line in done.stdout.splitlines() if line.strip())
        except (OSError, subprocess.SubprocessError):
            listed = []
    preferred = sorted(listed, key=lambda f: ("Sans" not in f, "Regular" not in f, f))
    return next((f for f in [*preferred, *FONT_FILES] if Path(f).is_file()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    path = cjk_font_file()
    return ImageFont.truetype(path, size) if path else None


class _Frame:
    """Longitude/latitude to pixels (Web Mercator, as the page's map): ``bounds`` fit the drawing area whole."""

    def __init__(self, bounds: Bounds) -> None:
        west, south, east, north = bounds
        self.x0, self.y0 = west, _merc(north)
        width_deg, height_merc = max(east - west, 1e-4), max(_merc(north) - _merc(south), 1e-4)
        room_w, room_h = WIDTH - 2 * MARGIN, HEIGHT - HEADER - FOOTER
        self.scale = min(room_w / width_deg, room_h / height_merc)
        self.dx = MARGIN + (room_w - width_deg * self.scale) / 2
        self.dy = HEADER + (room_h - height_merc * self.scale) / 2
        self.metres_per_px = 111_320 * math.cos(math.radians((south + north) / 2)) / self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return self.dx + (lon - self.x0) * self.scale, self.dy + (self.y0 - _merc(lat)) * self.scale


def _merc(lat: float) -> float:
    """Latitude in Mercator's degrees: y grows as on the page's map."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def map_png(
    title: str,
    areas: Sequence[dict[str, Any]],
    members: Sequence[dict[str, Any]],
    stations: Sequence[dict[str, Any]],
    legend: Sequence[tuple[str, Rgba]],
    bounds: Bounds | None,
) -> MapImage:
    """The map of these rows, framed on ``bounds`` (the areas' extent when None), as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    bounds = bounds or _extent(areas, members)
    if bounds:
        frame = _Frame(bounds)
        _areas(draw, frame, areas)
        _stations(draw, frame, stations)
        _members(draw, frame, members)
    image.paste(layer, (0, 0), layer)
    lettered = _words(ImageDraw.Draw(image), title, areas, frame if bounds else None, legend)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return MapImage(out.getvalue(), lettered)


def _extent(areas: Sequence[dict[str, Any]], members: Sequence[dict[str, Any]]) -> Bounds | None:
    xs = [x for a in areas for ring in a["polygon"][:1] for x, _ in ring] + [m["lon"] for m in members]
    ys = [y for a in areas for ring in a["polygon"][:1] for _, y in ring] + [m["lat"] for m in members]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _areas(draw: ImageDraw.ImageDraw, frame: _Frame, areas: Sequence[dict[str, Any]]) -> None:
    for area in areas:
        outer, *holes = area["polygon"]
        draw.polygon([frame.xy(x, y) for x, y in outer], fill=tuple(area["fill"]), outline=OUTLINE, width=2)
        for hole in holes:
            draw.polygon([frame.xy(x, y) for x, y in hole], fill=(*BACKGROUND, 255), outline=OUTLINE)


def _stations(draw: ImageDraw.ImageDraw, frame: _Frame, stations: Sequence[dict[str, Any]]) -> None:
    for s in stations:
        x, y = frame.xy(s["lon"], s["lat"])
        r = s["radius"] / frame.metres_per_px
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(s["circle"]))
    for s in stations:
        x, y = frame.xy(s["lon"], s["lat"])
        draw.rectangle((x - 6, y - 6, x + 6, y + 6), fill=tuple(s["fill"]), outline=(255, 255, 255, 255))


def _members(draw: ImageDraw.ImageDraw, frame: _Frame, members: Sequence[dict[str, Any]]) -> None:
    for m in sorted(members, key=lambda m: m["gap"]):  # gaps drawn last: on top
        x, y = frame.xy(m["lon"], m["lat"])
        draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=tuple(m["fill"]))


def _words(
    draw: ImageDraw.ImageDraw,
    title: str,
    areas: Sequence[dict[str, Any]],
    frame: _Frame | None,
    legend: Sequence[tuple[str, Rgba]],
) -> bool:
    """Title, area names with their rate, and the legend; False when no CJK font can write them."""
    big, small = _font(34), _font(20)
    x = MARGIN
    for words, fill in legend:  # swatches are drawn with or without their words
        draw.rectangle((x, HEIGHT - 70, x + 28, HEIGHT - 42), fill=fill[:3], outline=INK)
        x += 40 + (int(draw.textlength(words, font=small)) + 24 if small else 0)
    if big is None or small is None:
        return False
    draw.text((MARGIN, 28), title, font=big, fill=INK)
    for area in areas if frame else ():
        ring = area["polygon"][0]
        cx, cy = frame.xy(sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)) if frame else (0, 0)
        label = f"{area['name']} {area['rate']}"
        draw.text((cx, cy), label, font=small, fill=INK, anchor="mm", stroke_width=3, stroke_fill=BACKGROUND)
    x = MARGIN
    for words, _ in legend:
        draw.text((x + 36, HEIGHT - 56), words, font=small, fill=INK, anchor="lm")
        x += 40 + int(draw.textlength(words, font=small)) + 24
    return True
