"""Pure progress arithmetic shared by the incremental update and the nightly recompute.

Distances round DOWN to the hundredth, so nobody reaches a milestone by rounding.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class MilestonePoint:
    id: int
    order: int
    name: str
    distance: Decimal
    x: float  # the SVG map's drawing coordinates (for a geographic path, projected)
    y: float
    postcard: str = ""
    has_photo: bool = False
    lat: float | None = None  # geographic paths
    lon: float | None = None
    along: float = 0.0  # where it sits along the route line (routes.RouteGeometry units)


@dataclass(frozen=True)
class Progress:
    distance: Decimal
    percent: Decimal
    milestone: MilestonePoint | None
    next_milestone: MilestonePoint | None
    is_complete: bool


def distance_for_steps(steps: int, steps_per_unit: int, total: Decimal) -> Decimal:
    raw = (Decimal(max(0, steps)) / Decimal(steps_per_unit)).quantize(HUNDREDTH, ROUND_DOWN)
    return min(raw, total)


def progress_for_steps(
    *, steps: int, steps_per_unit: int, total: Decimal, milestones: list[MilestonePoint]
) -> Progress:
    """Where `steps` put a walker on a path whose milestones are sorted by distance."""
    distance = distance_for_steps(steps, steps_per_unit, total)
    percent = min(Decimal(100), (distance * 100 / total).quantize(HUNDREDTH, ROUND_DOWN))
    reached = [m for m in milestones if m.distance <= distance]
    ahead = [m for m in milestones if m.distance > distance]
    return Progress(
        distance=distance,
        percent=percent,
        milestone=reached[-1] if reached else None,
        next_milestone=ahead[0] if ahead else None,
        is_complete=distance >= total,
    )


def spread_markers(
    points: list[tuple[float, float]], radius: float = 9.0
) -> list[tuple[float, float]]:
    """Offset markers that share a spot around a small circle, so every one stays visible."""
    import math

    seen: dict[tuple[int, int], int] = {}
    totals: dict[tuple[int, int], int] = {}
    for x, y in points:
        key = (round(x), round(y))
        totals[key] = totals.get(key, 0) + 1
    spread = []
    for x, y in points:
        key = (round(x), round(y))
        if totals[key] == 1:
            spread.append((x, y))
            continue
        index = seen.get(key, 0)
        seen[key] = index + 1
        angle = 2 * math.pi * index / totals[key]
        spread.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
    return spread
