"""Small SVG charts for scenario results: lines and points over two linear axes, with a legend.
Written by hand so the lab needs no plotting library; any browser shows the files."""

import math
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2")
TICKS = 5
LEGEND_WIDTH = 190


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[float, float], ...]
    dots: bool = False  # measured points; False: a line (theory)


@dataclass
class Chart:
    title: str
    x_label: str
    y_label: str
    series: list[Series] = field(default_factory=list)

    def svg(self) -> str:
        points = [pt for s in self.series for pt in s.points]
        if not points:
            points = [(0.0, 0.0), (1.0, 1.0)]
        x0, x1, x_ticks = _axis(min(x for x, _ in points), max(x for x, _ in points))
        y0, y1, y_ticks = _axis(min(0.0, *(y for _, y in points)), max(y for _, y in points))
        inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

        def sx(x: float) -> float:
            return LEFT + (x - x0) / (x1 - x0) * inner_w

        def sy(y: float) -> float:
            return TOP + inner_h - (y - y0) / (y1 - y0) * inner_h

        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
            f' viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
            f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="15">'
            f"{escape(self.title)}</text>",
            f'<rect x="{LEFT}" y="{TOP}" width="{inner_w}" height="{inner_h}" fill="none"'
            ' stroke="#999"/>',
        ]
        for x in x_ticks:
            out.append(
                f'<text x="{sx(x):.1f}" y="{TOP + inner_h + 16}" text-anchor="middle">'
                f"{x:,.{_decimals(x_ticks)}f}</text>"
            )
        for y in y_ticks:
            out.append(
                f'<text x="{LEFT - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">'
                f"{y:,.{_decimals(y_ticks)}f}</text>"
            )
            out.append(
                f'<line x1="{LEFT}" x2="{LEFT + inner_w}" y1="{sy(y):.1f}" y2="{sy(y):.1f}"'
                ' stroke="#eee"/>'
            )
        out.append(
            f'<text x="{LEFT + inner_w / 2}" y="{HEIGHT - 10}" text-anchor="middle">'
            f"{escape(self.x_label)}</text>"
        )
        out.append(
            f'<text transform="translate(16 {TOP + inner_h / 2}) rotate(-90)"'
            f' text-anchor="middle">{escape(self.y_label)}</text>'
        )
        for n, s in enumerate(self.series):
            colour = COLOURS[n % len(COLOURS)]
            if s.dots:
                out += [
                    f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{colour}"/>'
                    for x, y in s.points
                ]
            elif s.points:
                path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s.points)
                out.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
            ly = TOP + inner_h - 12 - 16 * (len(self.series) - 1 - n)  # bottom right
            lx = LEFT + inner_w - LEGEND_WIDTH
            out.append(
                f'<rect x="{lx - 4}" y="{ly - 12}" width="{LEGEND_WIDTH}" height="16"'
                ' fill="white" fill-opacity="0.85"/>'
            )
            out.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{colour}"/>')
            out.append(f'<text x="{lx + 18}" y="{ly}">{escape(s.label)}</text>')
        out.append("</svg>")
        return "\n".join(out) + "\n"


def _axis(lo: float, hi: float) -> tuple[float, float, list[float]]:
    """The axis from lo to hi widened to round ticks (steps of 1, 2 or 5 times a power of 10)."""
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    rough = (hi - lo) / TICKS
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    ticks = [i * step for i in range(first, last + 1)]
    return ticks[0], ticks[-1], ticks


def _decimals(ticks: list[float]) -> int:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(0, -math.floor(math.log10(step) + 1e-9))
