"""Region boundaries: reading the GeoJSON, simplifying it and drawing it as SVG without tiles."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time

import pytest
import shapely
from shapely.geometry import shape

from esep.core.actions import Actor
from esep.territory import geo
from esep.territory.importers import load_regions
from esep.territory.models import Boundary, Unit

ISO_CODES = sorted(geo.FEATURE_ISO.values())
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def regions() -> dict[str, dict]:
    return geo.read_regions()


@pytest.fixture(scope="module")
def simplified(regions) -> dict[str, dict]:
    return {iso: geo.simplify(g, geo.MAP_TOLERANCE) for iso, g in regions.items()}


def test_the_file_has_the_20_regions_by_iso_code(regions):
    assert sorted(regions) == ISO_CODES
    assert len(set(ISO_CODES)) == 20
    assert {g["type"] for g in regions.values()} <= {"Polygon", "MultiPolygon"}


def test_simplified_geometries_are_valid_and_much_smaller(regions, simplified):
    full = sum(shapely.get_num_coordinates(shape(g)) for g in regions.values())
    small = sum(shapely.get_num_coordinates(shape(g)) for g in simplified.values())
    assert small * 10 < full
    for iso, geometry in simplified.items():
        assert geometry["type"] in {"Polygon", "MultiPolygon"}, iso
        geom = shape(geometry)
        assert geom.is_valid and not geom.is_empty, iso
        original = shape(regions[iso])
        assert geom.area == pytest.approx(original.area, rel=0.05), iso
    stored = json.dumps(simplified["KZ-11"])
    assert all(len(n.split(".")[1]) <= 4 for n in NUMBER.findall(stored) if "." in n)


def test_reading_and_simplifying_the_whole_file_is_fast():
    started = time.perf_counter()
    for geometry in geo.read_regions().values():
        geo.simplify(geometry, geo.MAP_TOLERANCE)
    assert time.perf_counter() - started < 3


def test_the_albers_projection_is_centred_and_equal_area():
    assert geo.ALBERS_KZ(67, 48) == pytest.approx((0, 0), abs=1e-12)
    x_west, _ = geo.ALBERS_KZ(50, 48)
    x_east, _ = geo.ALBERS_KZ(84, 48)
    assert x_west == pytest.approx(-x_east)

    def cell_area(lon: float, lat: float) -> float:
        corners = [geo.ALBERS_KZ(lon + a, lat + b) for a, b in ((0, 0), (1, 0), (1, 1), (0, 1))]
        return shapely.Polygon(corners).area

    # On the sphere a 1°×1° cell covers Δλ·(sin φ2 − sin φ1).
    for lon, lat in ((47, 41), (67, 48), (86, 55)):
        expected = math.radians(1) * (math.sin(math.radians(lat + 1)) - math.sin(math.radians(lat)))
        assert cell_area(lon, lat) == pytest.approx(expected, rel=1e-3)


def test_svg_paths_fit_the_viewbox_and_stay_small(simplified):
    viewbox, paths = geo.svg_paths(simplified)
    x0, y0, width, height = (float(v) for v in viewbox.split())
    assert (x0, y0, width) == (0, 0, 1000)
    assert 450 < height < 700  # Kazakhstan is wider than tall
    assert sorted(paths) == ISO_CODES
    for iso, d in paths.items():
        assert d.startswith("M") and d.endswith("Z"), iso
        assert re.fullmatch(r"(M[\d.,]+L[\d., ]+Z)+", d), iso
        values = [float(n) for n in NUMBER.findall(d)]
        xs, ys = values[0::2], values[1::2]
        assert min(xs) >= 0 and max(xs) <= width, iso
        assert min(ys) >= 0 and max(ys) <= height, iso
    assert sum(len(d) for d in paths.values()) < 120_000
    # All regions are scaled together: the country touches all four sides.
    everything = [float(n) for d in paths.values() for n in NUMBER.findall(d)]
    assert min(everything[0::2]) == 0 and max(everything[0::2]) == width
    assert min(everything[1::2]) == 0 and max(everything[1::2]) == pytest.approx(height, abs=1)


def test_north_is_up(simplified):
    labels = geo.label_points(simplified)
    north_kazakhstan, turkistan = labels["KZ-59"], labels["KZ-61"]
    west, east = labels["KZ-27"], labels["KZ-63"]
    assert north_kazakhstan[1] < turkistan[1]
    assert west[0] < east[0]


def test_astana_is_drawn_inside_akmola(simplified):
    _viewbox, paths = geo.svg_paths(simplified)
    labels = geo.label_points(simplified)
    values = [float(n) for n in NUMBER.findall(paths["KZ-11"])]
    xs, ys = values[0::2], values[1::2]
    x, y = labels["KZ-71"]
    assert min(xs) < x < max(xs) and min(ys) < y < max(ys)
    assert shape(simplified["KZ-71"]).contains(shapely.Point(*_lonlat_label(simplified["KZ-71"])))


def _lonlat_label(geometry: dict) -> tuple[float, float]:
    point = shape(geometry).representative_point()
    return point.x, point.y


def test_region_map_is_cached_and_matches_svg_paths(simplified):
    assert geo.region_map() is geo.region_map()
    viewbox, paths = geo.svg_paths(simplified)
    assert geo.map_viewbox() == viewbox
    assert dict(geo.region_map().paths) == paths


def _write(tmp_path, features: list[dict]):
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(name: str) -> dict:
    square = [[[60, 45], [61, 45], [61, 46], [60, 46], [60, 45]]]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": square},
    }


def test_an_unknown_feature_name_is_refused(tmp_path):
    path = _write(tmp_path, [_feature("Astana"), _feature("Semipalatinsk Region")])
    with pytest.raises(ValueError, match="unknown name 'Semipalatinsk Region'"):
        geo.read_regions(path)


def test_missing_and_duplicated_regions_are_refused(tmp_path):
    with pytest.raises(ValueError, match="more than one feature for KZ-71"):
        geo.read_regions(_write(tmp_path, [_feature("Astana"), _feature("Astana")]))
    with pytest.raises(ValueError, match="no feature for KZ-10, KZ-11"):
        geo.read_regions(_write(tmp_path, [_feature("Astana")]))


@pytest.mark.django_db
def test_load_boundaries_sets_one_boundary_per_region_and_can_rerun():
    actor = Actor.cli("tests")
    load_regions(actor)
    assert geo.load_boundaries(actor) == 20
    assert Boundary.objects.count() == 20
    assert geo.load_boundaries(actor) == 20
    assert Boundary.objects.count() == 20
    astana = Boundary.objects.get(unit__iso_code="KZ-71")
    assert astana.svg_path == geo.region_map().paths["KZ-71"]
    assert astana.source.startswith("© OpenStreetMap contributors, ODbL 1.0")
    assert shape(astana.geometry).is_valid
    assert set(Boundary.objects.values_list("unit__iso_code", flat=True)) == set(ISO_CODES)


@pytest.mark.django_db
def test_load_boundaries_names_regions_without_a_unit():
    actor = Actor.cli("tests")
    load_regions(actor)
    Unit.objects.filter(iso_code="KZ-79").update(valid_until=dt.date(2024, 1, 1))
    with pytest.raises(ValueError, match="No unit in force for KZ-79"):
        geo.load_boundaries(actor)
    assert Boundary.objects.count() == 0
