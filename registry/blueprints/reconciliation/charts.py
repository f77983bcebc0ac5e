"""Server-side SVG charts (no script, no CDN): a programme's cumulative 人次 by month against its target."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 24


def _nice_ceiling(value: int) -> int:
    """A round upper bound for the axis (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 10
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def cumulative_line(line: list[int | None], target: int | None, year: int) -> Markup:
    """Cumulative 人次 (solid) and, with a target, the even pace to it (dashed) over the 12 months."""
    top_value = _nice_ceiling(max([v for v in line if v is not None] + [target or 0, 1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:  # month 0 = 1 January, 12 = 31 December
        return LEFT + plot_w * month / 12

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top_value)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="w-100" style="max-width:{WIDTH * 1.4:.0f}px" aria-label="{year}年累计培训人次">']
    for fraction in (0, 0.5, 1):
        value = top_value * fraction
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#dee2e6"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">{int(value):,}</text>')
    for month in (1, 3, 6, 9, 12):
        parts.append(f'<text x="{x(month - 0.5):.1f}" y="{HEIGHT - 8}" font-size="10" text-anchor="middle" fill="#6c757d">{month}月</text>')
    if target:
        parts.append(f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(12):.1f}" y2="{y(target):.1f}" stroke="#6c757d" '
                     f'stroke-dasharray="4 3" data-series="pace"><title>按时间进度应完成(目标 {target:,})</title></line>')
    points = [(x(0), y(0))] + [(x(month), y(value)) for month, value in enumerate(line, start=1) if value is not None]
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="#0d6efd" stroke-width="2" data-series="actual"/>')
    for month, value in enumerate(line, start=1):
        if value is not None:
            parts.append(f'<circle cx="{x(month):.1f}" cy="{y(value):.1f}" r="2.5" fill="#0d6efd">'
                         f'<title>{escape(str(month))}月底累计 {value:,} 人次</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
