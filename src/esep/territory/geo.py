"""Region boundaries of Kazakhstan and a map of them drawn as plain SVG, without a tile server.

The boundaries come from `data/kz-regions-2022-osmb.geojson` (© OpenStreetMap contributors,
ODbL 1.0; see `data/SOURCES.md`). They are simplified with shapely, projected with an Albers
equal-area conic suited to Kazakhstan and drawn as one SVG path per region in a shared viewBox.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

if TYPE_CHECKING:
    from esep.core.actions import Actor

DEFAULT_PATH = Path(__file__).parent / "data" / "kz-regions-2022-osmb.geojson"
SOURCE = (
    "© OpenStreetMap contributors, ODbL 1.0; "
    "github.com/sh-i/geoBoundaries OSMB-KZ_obl.geojson @f085bdbc"
)
MAP_TOLERANCE = 0.02  # degrees; about 1 px on a 1000 px wide map
STORE_TOLERANCE = 0.005  # degrees; the geometry kept in the database
DECIMALS = 4  # about 10 m

# The file's `name` property → ISO 3166-2:KZ code (table in data/SOURCES.md).
# fmt: off
FEATURE_ISO: dict[str, str] = {
    "Abay Region": "KZ-10", "Akmola Region": "KZ-11", "Aqtöbe region": "KZ-15",
    "Almaty Region": "KZ-19", "Atyrau Region": "KZ-23", "West Kazakhstan Region": "KZ-27",
    "Jambyl Region": "KZ-31", "Jetisu Region": "KZ-33", "Karaganda Region": "KZ-35",
    "Kostanay Region": "KZ-39", "Kyzylorda Region": "KZ-43", "Mangystau Region": "KZ-47",
    "Pavlodar Region": "KZ-55", "North Kazakhstan Region": "KZ-59", "Turkistan Region": "KZ-61",
    "Ulytau Region": "KZ-62", "East Kazakhstan Region": "KZ-63", "Astana": "KZ-71",
    "Almaty": "KZ-75", "Shymkent": "KZ-79",
}
# fmt: on

Geometry = dict[str, Any]


def read_regions(path: Path | str = DEFAULT_PATH) -> dict[str, Geometry]:
    """ISO code → GeoJSON geometry of every feature in `path`, in ISO order. Raises ValueError
    when a feature's name is not in FEATURE_ISO, or an ISO code is missing or appears twice."""
    with Path(path).open(encoding="utf-8") as handle:
        features = json.load(handle).get("features") or []
    regions: dict[str, Geometry] = {}
    for index, feature in enumerate(features):
        name = (feature.get("properties") or {}).get("name")
        iso = FEATURE_ISO.get(name)
        if iso is None:
            raise ValueError(f"{path}: feature #{index} has an unknown name {name!r}.")
        if iso in regions:
            raise ValueError(f"{path}: more than one feature for {iso} ({name!r}).")
        regions[iso] = feature["geometry"]
    missing = sorted(set(FEATURE_ISO.values()) - set(regions))
    if missing:
        raise ValueError(f"{path}: no feature for {', '.join(missing)}.")
    return dict(sorted(regions.items()))


def _lists(coords: Any, decimals: int) -> Any:
    if isinstance(coords[0], float | int):
        return [round(c, decimals) for c in coords]
    return [_lists(c, decimals) for c in coords]


def simplify(geometry: Geometry, tolerance: float) -> Geometry:
    """`geometry` simplified (Douglas-Peucker, `tolerance` in degrees, topology preserved) with
    coordinates on a 4-decimal grid. The result is a valid Polygon or MultiPolygon with exterior
    rings counter-clockwise (RFC 7946)."""
    geom = shape(geometry).simplify(tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, 10**-DECIMALS)  # snaps to the grid, keeps it valid
    parts = shapely.get_parts(shapely.orient_polygons(geom))
    polygons = [p for p in parts if isinstance(p, Polygon) and not p.is_empty]
    if not polygons:
        raise ValueError(f"Nothing is left of the geometry at tolerance {tolerance}.")
    result = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    coordinates = _lists(mapping(result)["coordinates"], DECIMALS)
    return {"type": result.geom_type, "coordinates": coordinates}


class Albers:
    """Albers equal-area conic projection on the unit sphere (Snyder, Map Projections: A
    Working Manual, 14-1 to 14-4): standard parallels `lat1` and `lat2`, central meridian
    `lon0`, origin `lat0`, in degrees. Returns x east, y north, in Earth radii."""

    def __init__(self, lat1: float, lat2: float, lon0: float, lat0: float) -> None:
        sin1 = math.sin(math.radians(lat1))
        self.n = (sin1 + math.sin(math.radians(lat2))) / 2
        self.c = math.cos(math.radians(lat1)) ** 2 + 2 * self.n * sin1
        self.lon0 = math.radians(lon0)
        self.rho0 = self._rho(lat0)

    def _rho(self, lat: float) -> float:
        return math.sqrt(self.c - 2 * self.n * math.sin(math.radians(lat))) / self.n

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        rho, theta = self._rho(lat), self.n * (math.radians(lon) - self.lon0)
        return rho * math.sin(theta), self.rho0 - rho * math.cos(theta)


ALBERS_KZ = Albers(lat1=45, lat2=52, lon0=67, lat0=48)


def _rings(geometry: Geometry) -> Iterable[list[list[float]]]:
    """Every ring of a Polygon or MultiPolygon, exterior first."""
    multi = geometry["type"] == "MultiPolygon"
    for polygon in geometry["coordinates"] if multi else [geometry["coordinates"]]:
        yield from polygon


def _pair(point: tuple[float, float], precision: int) -> str:
    """The point as "x,y", without trailing zeros."""
    texts = (f"{value:.{precision}f}" for value in point)
    return ",".join(t.rstrip("0").rstrip(".") if "." in t else t for t in texts)


@dataclass(frozen=True)
class _Frame:
    """Projected coordinates → SVG: shifted to the origin, scaled, y flipped, rounded."""

    min_x: float
    max_y: float
    scale: float
    width: int
    height: int
    precision: int

    @classmethod
    def fit(cls, geometries: Mapping[str, Geometry], width: int, precision: int) -> _Frame:
        points = [ALBERS_KZ(*p[:2]) for g in geometries.values() for r in _rings(g) for p in r]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        scale = width / (max(xs) - min(xs))
        height = math.ceil(round((max(ys) - min(ys)) * scale, precision))
        return cls(min(xs), max(ys), scale, width, height, precision)

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = ALBERS_KZ(lon, lat)
        return (
            round((x - self.min_x) * self.scale, self.precision),
            round((self.max_y - y) * self.scale, self.precision),
        )

    def path(self, geometry: Geometry) -> str:
        """SVG path data, one `M x,y L x,y … Z` per ring; rings that shrink below three
        distinct points at this scale are left out."""
        parts = []
        for ring in _rings(geometry):
            points: list[tuple[float, float]] = []
            for lon, lat, *_ in ring:
                point = self.point(lon, lat)
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue
            pairs = [_pair(point, self.precision) for point in points]
            parts.append(f"M{pairs[0]}L{' '.join(pairs[1:])}Z")
        return "".join(parts)


def svg_paths(
    geometries: Mapping[str, Geometry], width: int = 1000, precision: int = 1
) -> tuple[str, dict[str, str]]:
    """The SVG viewBox and ISO → path data of `geometries` (simplify them first): projected with
    ALBERS_KZ, scaled together to `width`, north up, rounded to `precision` decimals."""
    frame = _Frame.fit(geometries, width, precision)
    return frame.viewbox, {iso: frame.path(g) for iso, g in geometries.items()}


def label_points(
    geometries: Mapping[str, Geometry], width: int = 1000, precision: int = 1
) -> dict[str, tuple[float, float]]:
    """ISO → a point inside each region in the SVG coordinates of `svg_paths` called with the
    same arguments: where to put a label, or a circle for a city too small to see."""
    frame = _Frame.fit(geometries, width, precision)
    labels = {}
    for iso, geometry in geometries.items():
        point = shape(geometry).representative_point()
        labels[iso] = frame.point(point.x, point.y)
    return labels


class RegionMap(NamedTuple):
    """The map of all regions: viewBox, ISO → path data, ISO → label point."""

    viewbox: str
    paths: Mapping[str, str]
    labels: Mapping[str, tuple[float, float]]


@lru_cache(maxsize=4)
def region_map(
    path: Path = DEFAULT_PATH, tolerance: float = MAP_TOLERANCE, width: int = 1000
) -> RegionMap:
    """The map of the regions in `path`, computed once per process (read-only mappings)."""
    simplified = {iso: simplify(g, tolerance) for iso, g in read_regions(path).items()}
    viewbox, paths = svg_paths(simplified, width)
    labels = label_points(simplified, width)
    return RegionMap(viewbox, MappingProxyType(paths), MappingProxyType(labels))


def map_viewbox() -> str:
    """The viewBox that the `svg_path` of every stored Boundary is drawn in."""
    return region_map().viewbox


def load_boundaries(
    actor: Actor,
    path: Path = DEFAULT_PATH,
    tolerance: float = MAP_TOLERANCE,
    store_tolerance: float = STORE_TOLERANCE,
) -> int:
    """Set the boundary of every region in `path` on its unit in force (found by ISO code):
    the geometry simplified at `store_tolerance`, the SVG path at `tolerance` (in the viewBox
    of `map_viewbox()` for the defaults). All or nothing; re-running replaces the boundaries.
    Raises ValueError naming the ISO codes that have no unit. Returns how many were set."""
    # Imported here so the geometry functions above work without a configured Django.
    from django.db import transaction

    from .actions import set_boundary
    from .models import Unit

    regions = read_regions(path)
    in_force = Unit.objects.filter(iso_code__in=regions, valid_until__isnull=True)
    units = {unit.iso_code: unit for unit in in_force}  # unique in force (model constraint)
    missing = [iso for iso in regions if iso not in units]
    if missing:
        raise ValueError(f"No unit in force for {', '.join(missing)}; load the regions first.")
    paths = region_map(Path(path), tolerance).paths
    with transaction.atomic():
        for iso, geometry in regions.items():
            stored = simplify(geometry, store_tolerance)
            set_boundary(actor, units[iso], geometry=stored, svg_path=paths[iso], source=SOURCE)
    return len(regions)
