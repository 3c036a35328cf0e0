"""The complaint domain without HTTP: catalog, grid, photos, attributes (unit tests)."""

from __future__ import annotations

import copy
import io
import json
import random
from typing import Any

import pytest
import yaml
from complaint_testlib import photo
from conftest import DATA, IN_JIANGBIN, IN_KECHUANG, IN_RIVER, OUTSIDE
from PIL import Image

from functions.complaint import attributes, catalog, photos
from functions.complaint.catalog import Catalog, CatalogError
from functions.complaint.errors import Invalid
from functions.complaint.geo import Grid, Outside, distance_m

pytestmark = pytest.mark.unit
ENGINES = ["shapely", "python"]


def _docs() -> tuple[dict[str, Any], dict[str, Any]]:
    services = yaml.safe_load((DATA / catalog.SERVICES_FILE).read_text(encoding="utf-8"))
    grid = json.loads((DATA / catalog.GRID_FILE).read_text(encoding="utf-8"))
    return services, grid


def test_the_demo_city_has_services_teams_and_a_grid(catalog: Catalog) -> None:
    assert catalog.jurisdiction.name == "临江市"
    assert {"road-damage", "streetlight", "garbage", "manhole"} <= set(catalog.services)
    assert catalog.services["manhole"].time_limit.total_seconds() == 4 * 3600
    assert catalog.services["suggestion"].type == "batch"
    assert len(Grid(catalog).cells) == 6


@pytest.mark.parametrize(("change", "message"), [
    (lambda s, g: s["services"].append(dict(s["services"][0])), "code 重复"),
    (lambda s, g: s["services"][0]["attributes"][0].update(datatype="date"), "datatype"),
    (lambda s, g: s["services"][0].update(time_limit_hours=0), "time_limit_hours"),
    (lambda s, g: s.update(triage_team="nobody"), "triage_team"),
    (lambda s, g: g["features"][1]["properties"]["handlers"].update({"*": "ghosts"}), "ghosts"),
    (lambda s, g: g["features"].pop(0), "boundary"),
    (lambda s, g: s["services"][0].update(code="道路"), "code"),
])
def test_a_wrong_catalog_is_refused_naming_the_file_and_field(change: Any, message: str) -> None:
    services, grid = _docs()
    services, grid = copy.deepcopy(services), copy.deepcopy(grid)
    change(services, grid)
    with pytest.raises(CatalogError, match=message):
        Grid(catalog.parse(services, grid))


def test_a_self_intersecting_cell_is_refused() -> None:
    services, grid = _docs()
    grid["features"][1]["geometry"]["coordinates"] = [[[119.50, 28.69], [119.56, 28.71],
                                                       [119.56, 28.69], [119.50, 28.71],
                                                       [119.50, 28.69]]]
    with pytest.raises(CatalogError, match="有效的多边形"):
        Grid(catalog.parse(services, grid), engine="shapely")


def test_an_open_ring_is_refused_by_either_engine() -> None:
    services, grid = _docs()
    grid["features"][1]["geometry"]["coordinates"][0].pop()
    for engine in ENGINES:
        with pytest.raises(CatalogError, match=r"首尾相同|有效的多边形"):
            Grid(catalog.parse(services, grid), engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_points_go_to_the_cell_that_contains_them(catalog: Catalog, engine: str) -> None:
    grid = Grid(catalog, engine=engine)
    assert grid.locate(*IN_JIANGBIN).id == "BJ-JB-01"  # type: ignore[union-attr]
    assert grid.locate(*IN_KECHUANG).id == "GX-KC-01"  # type: ignore[union-attr]
    # The 临湖 cell is a pentagon: its cut corner belongs to the 科创园 cell.
    assert grid.locate(28.75, 119.59).id == "BJ-LH-01"  # type: ignore[union-attr]
    assert grid.locate(28.758, 119.615).id == "GX-KC-01"  # type: ignore[union-attr]
    # On the shared edge of two cells: the first in the file, every time.
    assert grid.locate(28.70, 119.56).id == "BJ-JB-01"  # type: ignore[union-attr]
    assert grid.locate(*IN_RIVER) is None
    with pytest.raises(Outside):
        grid.locate(*OUTSIDE)


def test_both_engines_agree_on_every_point(catalog: Catalog) -> None:
    rng = random.Random(19)
    fast, plain = Grid(catalog, engine="shapely"), Grid(catalog, engine="python")
    # Random points over and around the city, and points on the cells' edges and corners.
    points = [(rng.uniform(28.58, 28.78), rng.uniform(119.48, 119.76)) for _ in range(3000)]
    points += [(lat, long) for lat in (28.6, 28.675, 28.685, 28.72, 28.745, 28.76)
               for long in (119.5, 119.56, 119.58, 119.62, 119.68, 119.74)]

    def answer(grid: Grid, lat: float, long: float) -> str | None:
        try:
            cell = grid.locate(lat, long)
        except Outside:
            return "outside"
        return cell.id if cell else None

    differ = [p for p in points if answer(fast, *p) != answer(plain, *p)]
    assert not differ, differ[:10]


def test_handlers_by_service_then_group_then_default(catalog: Catalog) -> None:
    cell = Grid(catalog).by_id["BJ-JB-01"]
    assert cell.team_for("road-damage", "市政设施") == "bj-municipal"
    assert cell.team_for("noise", "生态环境") == "city-environment"
    assert cell.team_for("garbage", "环境卫生") == "bj-jiangbin"


def test_distance_is_in_metres() -> None:
    assert distance_m(28.70, 119.53, 28.70, 119.53) == 0
    assert 49 < distance_m(28.70, 119.53, 28.70045, 119.53) < 51


def test_a_photo_gives_its_location_and_keeps_no_metadata() -> None:
    cleaned = photos.clean(photo(gps=(28.7012, 119.5321)))
    assert cleaned.gps is not None
    assert cleaned.gps == pytest.approx((28.7012, 119.5321), abs=1e-5)
    stored = Image.open(io.BytesIO(cleaned.data))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert not ({"exif", "icc_profile", "comment", "xmp"} & set(stored.info))
    for secret in (b"TongdaPhone", "张三".encode(), b"13800138000", b"GPS"):
        assert secret not in cleaned.data


def test_a_png_loses_its_text_chunks_too() -> None:
    cleaned = photos.clean(photo(fmt="PNG", gps=None))
    assert cleaned.content_type == "image/png" and cleaned.gps is None
    assert "家住".encode() not in cleaned.data
    assert Image.open(io.BytesIO(cleaned.data)).info.get("Comment") is None


def test_a_turned_photo_is_stored_upright() -> None:
    cleaned = photos.clean(photo(size=(800, 600), orientation=6))
    assert (cleaned.width, cleaned.height) == (600, 800)


@pytest.mark.parametrize(("data", "message"), [
    (b"<html><body>not a photo</body></html>", "不是 JPEG"),
    (b"GIF89a" + bytes(200), "不是 JPEG"),
    (b"%PDF-1.7\n" + bytes(200), "不是 JPEG"),
    (b"", "空文件"),
])
def test_what_is_not_a_photo_is_refused_by_its_content(data: bytes, message: str) -> None:
    with pytest.raises(photos.PhotoError, match=message):
        photos.clean(data)


def test_a_truncated_photo_is_refused() -> None:
    with pytest.raises(photos.PhotoError, match="损坏"):
        photos.clean(photo()[:600])


def test_size_and_pixel_limits() -> None:
    with pytest.raises(photos.PhotoError, match="不能超过 1 MB"):
        photos.clean(photo() + bytes(1024 * 1024), max_bytes=1024 * 1024)
    big = io.BytesIO()
    Image.new("L", (5000, 5000)).save(big, "PNG")
    with pytest.raises(photos.PhotoError, match="像素过多"):
        photos.clean(big.getvalue(), max_pixels=20_000_000)


def test_attributes_are_checked_against_the_definition(catalog: Catalog) -> None:
    road, garbage = catalog.services["road-damage"], catalog.services["garbage"]
    assert attributes.check(road, {"severity": ["large"]}) == {"severity": ["large"]}
    assert attributes.check(garbage, {"kind": ["household", "bulky", "household"]}) == \
        {"kind": ["household", "bulky"]}
    for given, message in [({}, "破损程度"), ({"severity": ["huge"]}, "不在可选项"),
                           ({"severity": ["small"], "colour": ["red"]}, "没有这些属性"),
                           ({"severity": ["small", "large"]}, "只能填一个值")]:
        with pytest.raises(Invalid, match=message):
            attributes.check(road, given)
    noise, greenery = catalog.services["noise"], catalog.services["greenery"]
    with pytest.raises(Invalid, match="带时区"):
        attributes.check(noise, {"source": ["business"], "started_at": ["昨晚"]})
    with pytest.raises(Invalid, match="数字"):
        attributes.check(greenery, {"tree_count": ["三棵"]})
    # An informational attribute (variable: false) is never asked for.
    with pytest.raises(Invalid, match="没有这些属性"):
        attributes.check(catalog.services["manhole"], {"notice": ["x"]})
