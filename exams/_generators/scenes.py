"""Stylised scene drawing shared by the object-detection and annotation-review packs.

Every labelled object is drawn twice with the same geometry: in colour on the
picture and with its instance number on an instance map. The gold box of an
object is the bounding box of its *visible* pixels in the instance map, so
occlusion (objects drawn later cover earlier ones) and truncation at the image
border are exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

W, H = 640, 480
LABELS = ["car", "person", "tree", "traffic_light", "parcel"]
LABEL_ZH = {"car": "汽车", "person": "行人", "tree": "树", "traffic_light": "交通信号灯", "parcel": "包裹/纸箱"}
CAR_COLOURS = [(200, 40, 40), (40, 90, 200), (230, 230, 235), (30, 30, 35), (240, 190, 30), (60, 150, 80)]
SHIRTS = [(220, 60, 60), (60, 110, 210), (250, 200, 40), (90, 170, 90), (160, 80, 180), (240, 240, 240)]
SKIN = [(240, 200, 170), (205, 160, 120), (150, 105, 75)]


@dataclass
class Obj:
    label: str
    x: int          # anchor: left edge
    y: int          # anchor: bottom edge (ground contact) or top for traffic lights
    size: int       # main dimension in pixels
    colour: tuple[int, int, int]
    variant: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


class Pen:
    """Draws the same shapes on the picture and the instance map."""

    def __init__(self, img: Image.Image, ids: Image.Image) -> None:
        self.d = ImageDraw.Draw(img)
        self.m = ImageDraw.Draw(ids)
        self.k = 0

    def rect(self, box: tuple[float, float, float, float], fill: tuple[int, int, int]) -> None:
        self.d.rectangle(box, fill=fill)
        self.m.rectangle(box, fill=self.k)

    def ellipse(self, box: tuple[float, float, float, float], fill: tuple[int, int, int]) -> None:
        self.d.ellipse(box, fill=fill)
        self.m.ellipse(box, fill=self.k)

    def poly(self, pts: list[tuple[float, float]], fill: tuple[int, int, int]) -> None:
        self.d.polygon(pts, fill=fill)
        self.m.polygon(pts, fill=self.k)


def draw_car(p: Pen, o: Obj) -> None:
    w = o.size
    h = int(w * 0.42)
    x, b = o.x, o.y
    facing = o.variant % 2
    cab_l, cab_r = (x + w * 0.18, x + w * 0.72) if facing else (x + w * 0.28, x + w * 0.82)
    p.poly([(cab_l, b - h * 0.55), (cab_l + w * 0.1, b - h), (cab_r - w * 0.08, b - h), (cab_r, b - h * 0.55)], o.colour)
    glass = (170, 210, 235)
    p.d.polygon([(cab_l + w * 0.05, b - h * 0.58), (cab_l + w * 0.12, b - h * 0.92),
                 (cab_r - w * 0.1, b - h * 0.92), (cab_r - w * 0.04, b - h * 0.58)], fill=glass)
    p.rect((x, b - h * 0.6, x + w - 1, b - h * 0.18), o.colour)
    p.d.rectangle((x + (w - 6 if facing else 0), b - h * 0.5, x + (w - 1 if facing else 5), b - h * 0.4), fill=(255, 240, 150))
    r = h * 0.2
    for cx in (x + w * 0.22, x + w * 0.78):
        p.ellipse((cx - r, b - 2 * r, cx + r, b), (25, 25, 25))
        p.d.ellipse((cx - r * 0.45, b - r * 1.45, cx + r * 0.45, b - r * 0.55), fill=(150, 150, 150))


def draw_person(p: Pen, o: Obj) -> None:
    h = o.size
    x, b = o.x, o.y
    w = h * 0.34
    cx = x + w / 2
    head = h * 0.16
    skin = SKIN[o.variant % len(SKIN)]
    trousers = (50, 60, 90) if o.variant % 3 else (110, 90, 60)
    p.rect((cx - w * 0.3, b - h * 0.45, cx - w * 0.04, b - 1), trousers)
    p.rect((cx + w * 0.04, b - h * 0.45, cx + w * 0.3, b - 1), trousers)
    p.rect((cx - w * 0.34, b - h * 0.8, cx + w * 0.34, b - h * 0.43), o.colour)
    p.rect((x, b - h * 0.78, cx - w * 0.36, b - h * 0.5), o.colour)
    p.rect((cx + w * 0.36, b - h * 0.78, x + w - 1, b - h * 0.5), o.colour)
    p.ellipse((cx - head / 2, b - h, cx + head / 2, b - h + head), skin)
    p.d.chord((cx - head / 2, b - h, cx + head / 2, b - h + head), 180, 360, fill=(40, 30, 20))


def draw_tree(p: Pen, o: Obj) -> None:
    h = o.size
    x, b = o.x, o.y
    w = h * 0.6
    cx = x + w / 2
    p.rect((cx - w * 0.08, b - h * 0.4, cx + w * 0.08, b - 1), (110, 75, 40))
    green = o.colour
    if o.variant % 2:
        p.poly([(cx, b - h), (x, b - h * 0.3), (x + w - 1, b - h * 0.3)], green)
    else:
        p.ellipse((x, b - h, x + w - 1, b - h * 0.3), green)
        p.d.ellipse((x + w * 0.2, b - h * 0.9, x + w * 0.55, b - h * 0.6), fill=tuple(min(255, c + 35) for c in green))


def draw_traffic_light(p: Pen, o: Obj) -> None:
    h = o.size
    w = max(6, int(h * 0.38))
    x, top = o.x, o.y
    p.d.rectangle((x + w / 2 - 2, top + h, x + w / 2 + 2, 400), fill=(110, 110, 115))  # pole: not part of the label
    p.rect((x, top, x + w - 1, top + h - 1), (35, 35, 40))
    lit = o.variant % 3
    off = [(90, 30, 30), (90, 80, 20), (20, 70, 30)]
    on = [(255, 50, 40), (255, 200, 30), (40, 230, 90)]
    for i in range(3):
        cy = top + h * (i + 0.5) / 3
        r = w * 0.32
        p.d.ellipse((x + w / 2 - r, cy - r, x + w / 2 + r, cy + r), fill=on[i] if i == lit else off[i])


def draw_parcel(p: Pen, o: Obj) -> None:
    w = o.size
    h = int(w * (0.6 + 0.25 * (o.variant % 3)))
    x, b = o.x, o.y
    p.rect((x, b - h, x + w - 1, b - 1), o.colour)
    p.d.rectangle((x, b - h, x + w - 1, b - h + max(2, h // 12)), fill=tuple(max(0, c - 35) for c in o.colour))
    p.d.rectangle((x + w * 0.45, b - h, x + w * 0.55, b - 1), fill=(205, 180, 120))
    if o.variant % 2:
        p.d.rectangle((x + w * 0.1, b - h * 0.45, x + w * 0.35, b - h * 0.25), fill=(245, 245, 245))


DRAW = {"car": draw_car, "person": draw_person, "tree": draw_tree,
        "traffic_light": draw_traffic_light, "parcel": draw_parcel}


def background(kind: str, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (W, H), (150, 200, 240))
    d = ImageDraw.Draw(img)
    if kind == "street":
        x = 0
        while x < W:
            bw = rng.randint(70, 150)
            bh = rng.randint(120, 240)
            shade = rng.choice([(190, 180, 170), (160, 160, 175), (210, 195, 160), (175, 150, 140)])
            d.rectangle((x, 300 - bh, x + bw, 300), fill=shade)
            for wx in range(x + 10, x + bw - 15, 24):
                for wy in range(300 - bh + 12, 290, 30):
                    d.rectangle((wx, wy, wx + 12, wy + 16), fill=(120, 150, 180))
            x += bw + rng.randint(0, 8)
        d.rectangle((0, 300, W, 330), fill=(185, 185, 185))
        d.rectangle((0, 330, W, H), fill=(80, 80, 85))
        for lx in range(0, W, 80):
            d.rectangle((lx, 402, lx + 40, 407), fill=(235, 235, 235))
    elif kind == "park":
        d.rectangle((0, 250, W, H), fill=(120, 185, 90))
        d.polygon([(260, H), (380, H), (330, 250), (310, 250)], fill=(215, 195, 150))
        d.ellipse((500, 30, 560, 90), fill=(255, 235, 120))
    else:  # warehouse
        img.paste((200, 200, 195), (0, 0, W, 330))
        for sx in range(0, W, 160):
            d.rectangle((sx + 10, 60, sx + 150, 300), outline=(120, 120, 130), width=3)
            for sy in (120, 180, 240):
                d.line((sx + 10, sy, sx + 150, sy), fill=(120, 120, 130), width=3)
        d.rectangle((0, 330, W, H), fill=(150, 140, 125))
        d.rectangle((0, 330, W, 334), fill=(230, 200, 40))
    return img


def render(kind: str, objs: list[Obj], seed: int) -> tuple[Image.Image, np.ndarray]:
    """Draw the scene; objects are drawn in list order (later ones in front)."""
    img = background(kind, random.Random(seed))
    ids = Image.new("I", (W, H), 0)
    pen = Pen(img, ids)
    for k, o in enumerate(objs, start=1):
        pen.k = k
        DRAW[o.label](pen, o)
    return img, np.array(ids)


def full_box(o: Obj, seed: int) -> tuple[int, int, int, int] | None:
    """Bounding box of the object drawn alone (before occlusion), clipped to the image."""
    _, ids = render("park", [o], seed)
    return pixel_box(ids == 1)


def pixel_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def visible_boxes(objs: list[Obj], ids: np.ndarray, seed: int) -> list[dict[str, Any]]:
    """Per object: visible box, visible fraction of its own (unclipped-in-image) pixels, truncation."""
    out = []
    for k, o in enumerate(objs, start=1):
        alone = render("park", [o], seed)[1] == 1
        visible = ids == k
        box = pixel_box(visible)
        frac = float(visible.sum()) / max(1, int(alone.sum()))
        fb = pixel_box(alone)
        truncated = fb is not None and (fb[0] == 0 or fb[1] == 0 or fb[0] + fb[2] == W or fb[1] + fb[3] == H)
        out.append({"obj": o, "box": box, "visible": frac, "truncated": truncated})
    return out


def save_png(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=48, dither=Image.Dither.NONE).save(path, optimize=True)
