"""Where a report is: the grid cell that contains its point, distances, public rounding.

Points are WGS84 (lat, long) as Open311 sends them; polygons are GeoJSON (long, lat).
Containment is planar on those coordinates, which is exact for the polygons as drawn;
distances for near-duplicates use the haversine formula on a spherical earth.

Two engines answer the same question. shapely (GEOS, an R-tree over the cells) is used
when it is installed (``pip install 'tongda[geo]'``); it also refuses self-intersecting
polygons. Without it, a pure-Python even-odd test over each cell's bounding box does the
same lookup, so the functions still install without numpy (which shapely needs). The
tests hold both engines to the same answers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .catalog import GRID_FILE, Catalog, CatalogError

try:  # optional: see the module docstring
    import shapely
    from shapely.geometry import Point, shape
except ImportError:  # pragma: no cover - exercised by the engine="python" tests
    shapely = None

EARTH_RADIUS_M = 6_371_008.8
#: Decimal places of a public location when the reporter asked for it to be rounded:
#: 3 places is about 110 m north-south, enough to find the place, not the doorway.
ROUNDED_PLACES = 3
Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Cell:
    """One grid cell and who handles what in it."""

    id: str
    name: str
    district: str
    district_name: str
    street: str
    handlers: dict[str, str]

    def team_for(self, service_code: str, group: str) -> str:
        """The team that handles ``service_code`` here: by code, then group, then default."""
        return self.handlers.get(service_code) or self.handlers.get(group) or self.handlers["*"]


class Outside(ValueError):
    """The point is outside the jurisdiction's boundary."""


class Area:
    """A Polygon or MultiPolygon as rings of (long, lat), with its bounding box."""

    def __init__(self, geometry: dict[str, Any], where: str) -> None:
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" \
            else None
        if not isinstance(polygons, list) or not polygons:
            raise CatalogError(f"{where}：应为有效的多边形（Polygon 或 MultiPolygon）")
        self.polygons: list[list[Ring]] = []
        for polygon in polygons:
            rings = [[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon or []]
            if not rings or any(len(r) < 4 or r[0] != r[-1] for r in rings):
                raise CatalogError(f"{where}：应为有效的多边形（每个环至少 4 个点、首尾相同）")
            self.polygons.append(rings)
        xs = [x for p in self.polygons for x, _ in p[0]]
        ys = [y for p in self.polygons for _, y in p[0]]
        self.box = (min(xs), min(ys), max(xs), max(ys))

    def covers(self, x: float, y: float) -> bool:
        """Whether the point is inside or on the edge (holes excluded, their edges not)."""
        min_x, min_y, max_x, max_y = self.box
        if not (min_x <= x <= max_x and min_y <= y <= max_y):
            return False
        for outer, *holes in self.polygons:
            if _in_ring(outer, x, y) and not any(_in_ring(h, x, y, edge=False) for h in holes):
                return True
        return False


def _on_segment(ax: float, ay: float, bx: float, by: float, x: float, y: float) -> bool:
    cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
    return abs(cross) <= 1e-12 and min(ax, bx) <= x <= max(ax, bx) and \
        min(ay, by) <= y <= max(ay, by)


def _in_ring(ring: Sequence[tuple[float, float]], x: float, y: float, *, edge: bool = True) -> bool:
    """Even-odd rule; a point on the ring counts as inside when ``edge``."""
    inside = False
    for (ax, ay), (bx, by) in itertools.pairwise(ring):
        if _on_segment(ax, ay, bx, by, x, y):
            return edge
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


class Grid:
    """The boundary and cells of the grid, indexed for point-in-polygon lookups.

    Args:
        catalog: The validated catalog.
        engine: ``"shapely"``, ``"python"`` or ``None`` (shapely when installed).
    """

    def __init__(self, catalog: Catalog, engine: str | None = None) -> None:
        self.engine = engine or ("shapely" if shapely is not None else "python")
        if self.engine == "shapely" and shapely is None:
            raise CatalogError("engine=\"shapely\" 需要安装 shapely（pip install 'tongda[geo]'）")
        self.cells: list[Cell] = []
        self._areas: list[Area] = []
        self._shapes: list[Any] = []
        boundary: tuple[Area, Any] | None = None
        for feature in catalog.grid["features"]:
            props = feature.get("properties") or {}
            where = f"{GRID_FILE}: {props.get('id')!r}"
            area = Area(feature.get("geometry") or {}, where)
            geometry = self._checked(feature, where) if self.engine == "shapely" else None
            if props.get("kind") == "boundary":
                boundary = (area, geometry)
                continue
            self.cells.append(Cell(id=str(props["id"]), name=str(props.get("name", props["id"])),
                                   district=str(props.get("district", "")),
                                   district_name=str(props.get("district_name", "")),
                                   street=str(props.get("street", "")),
                                   handlers=dict(props["handlers"])))
            self._areas.append(area)
            self._shapes.append(geometry)
        if boundary is None:  # parse() checked there is one
            raise CatalogError(f"{GRID_FILE}：缺少辖区边界")
        self.boundary, self._boundary_shape = boundary
        self._tree = shapely.STRtree(self._shapes) if self.engine == "shapely" else None
        self.by_id = {cell.id: cell for cell in self.cells}
        if len(self.by_id) != len(self.cells):
            raise CatalogError(f"{GRID_FILE}：网格 id 有重复")

    @staticmethod
    def _checked(feature: dict[str, Any], where: str) -> Any:
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CatalogError(f"{where}：geometry 不是有效的 GeoJSON") from exc
        if not geometry.is_valid or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise CatalogError(f"{where}：应为有效的多边形（不自相交）")
        return geometry

    def locate(self, lat: float, long: float) -> Cell | None:
        """The cell containing the point; ``None`` inside the boundary but in no cell.

        A point on the shared edge of two cells goes to the first cell in the file, so
        every point has exactly one answer.

        Raises:
            Outside: The point is outside the jurisdiction.
        """
        if self._tree is not None:
            point = Point(long, lat)
            if not self._boundary_shape.covers(point):
                raise Outside(f"({lat}, {long})")
            hits = sorted(int(i) for i in self._tree.query(point, predicate="covered_by"))
            return self.cells[hits[0]] if hits else None
        if not self.boundary.covers(long, lat):
            raise Outside(f"({lat}, {long})")
        for cell, area in zip(self.cells, self._areas, strict=True):
            if area.covers(long, lat):
                return cell
        return None


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def bounding_box(lat: float, long: float, metres: float) -> tuple[float, float, float, float]:
    """A (min_lat, max_lat, min_long, max_long) box surely holding every point within ``metres``.

    Used to narrow a database query before the exact distance is computed.
    """
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlong = math.degrees(metres / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, long - dlong, long + dlong


def rounded(value: float) -> float:
    """A coordinate as shown publicly when the reporter asked for rounding."""
    return round(value, ROUNDED_PLACES)


def valid_point(lat: float, long: float) -> bool:
    """Whether the numbers are a WGS84 point at all."""
    return math.isfinite(lat) and math.isfinite(long) and -90 <= lat <= 90 and -180 <= long <= 180
