"""Where a report is: the grid cell that contains its point, distances, public rounding.

Points are WGS84 (lat, long) as Open311 sends them; polygons are GeoJSON (long, lat).
Containment is planar on those coordinates, which is exact for the polygons as drawn;
distances for near-duplicates use the haversine formula on a spherical earth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from .catalog import GRID_FILE, Catalog, CatalogError

EARTH_RADIUS_M = 6_371_008.8
#: Decimal places of a public location when the reporter asked for it to be rounded:
#: 3 places is about 110 m north-south, enough to find the place, not the doorway.
ROUNDED_PLACES = 3


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


class Grid:
    """The boundary and cells of the grid, indexed for point-in-polygon lookups."""

    def __init__(self, catalog: Catalog) -> None:
        self.cells: list[Cell] = []
        polygons: list[BaseGeometry] = []
        boundary: BaseGeometry | None = None
        for feature in catalog.grid["features"]:
            props = feature.get("properties") or {}
            try:
                geometry = shape(feature["geometry"])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise CatalogError(f"{GRID_FILE}: {props.get('id')!r}：geometry 不是有效的 GeoJSON") \
                    from exc
            if not geometry.is_valid or geometry.geom_type not in ("Polygon", "MultiPolygon"):
                raise CatalogError(f"{GRID_FILE}: {props.get('id')!r}：应为有效的多边形（不自相交）")
            if props.get("kind") == "boundary":
                boundary = geometry
                continue
            self.cells.append(Cell(id=str(props["id"]), name=str(props.get("name", props["id"])),
                                   district=str(props.get("district", "")),
                                   district_name=str(props.get("district_name", "")),
                                   street=str(props.get("street", "")),
                                   handlers=dict(props["handlers"])))
            polygons.append(geometry)
        if boundary is None:  # parse() checked there is one
            raise CatalogError(f"{GRID_FILE}：缺少辖区边界")
        self.boundary = boundary
        self._polygons = polygons
        self._tree = STRtree(polygons)
        self.by_id = {cell.id: cell for cell in self.cells}
        ids = [c.id for c in self.cells]
        if len(set(ids)) != len(ids):
            raise CatalogError(f"{GRID_FILE}：网格 id 有重复")

    def locate(self, lat: float, long: float) -> Cell | None:
        """The cell containing the point; ``None`` inside the boundary but in no cell.

        A point on the shared edge of two cells goes to the first cell in the file, so
        every point has exactly one answer.

        Raises:
            Outside: The point is outside the jurisdiction.
        """
        point = Point(long, lat)
        if not self.boundary.covers(point):
            raise Outside(f"({lat}, {long})")
        hits = sorted(int(i) for i in self._tree.query(point, predicate="covered_by"))
        return self.cells[hits[0]] if hits else None

    def as_feature_collection(self) -> dict[str, Any]:
        """The cells as GeoJSON, for the map and the public list."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": c.id, "name": c.name,
                                               "district_name": c.district_name},
             "geometry": polygon.__geo_interface__}
            for c, polygon in zip(self.cells, self._polygons, strict=True)]}


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
