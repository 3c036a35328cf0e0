"""Photos a reporter uploads: checked by their content, location read, every metadata dropped.

What is stored is a new image made from the pixels alone (turned upright first, since the
orientation lives in the metadata that is dropped): no EXIF (GPS, camera, time, owner),
no XMP, no ICC profile, no comments. The location the photo carried is returned so the
report can use it when the reporter gave none, and is then forgotten.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats accepted, by what the bytes are (Pillow's detection), never by name or header.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
"""About a 50-megapixel phone photo's worth; decoding more would cost hundreds of MB."""
MAX_SIDE = 2560
"""Longer side of the stored copy: enough to see a pothole, a fifth of a raw photo's size."""
_GPS_IFD = 0x8825


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is for the citizen, in Chinese."""


@dataclass(frozen=True)
class Photo:
    """A cleaned photo ready to store."""

    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str
    gps: tuple[float, float] | None
    """(lat, long) the original carried in its EXIF, if any."""


def clean(raw: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> Photo:
    """Check an uploaded photo and return a copy without any metadata.

    Raises:
        PhotoError: Too large, not an image, a format not accepted, too many pixels, or
            an image that does not decode.
    """
    if len(raw) > max_bytes:
        raise PhotoError(f"照片不能超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传。")
    if not raw:
        raise PhotoError("照片是空文件，请重新选择。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=list(FORMATS))
            # Pixels are counted from the header, before anything is decoded.
            if image.width * image.height > max_pixels:
                raise PhotoError(f"照片像素过多（超过 {max_pixels // 1_000_000} 百万像素），"
                                 "请缩小后再上传。")
            content_type = FORMATS[image.format or ""]
            gps = read_gps(image)
            image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, KeyError) as exc:
        raise PhotoError("上传的文件不是 JPEG、PNG 或 WebP 格式的照片，请换一张照片。") from exc
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise PhotoError("照片文件已损坏或不完整，无法读取，请重新拍摄或换一张。") from exc
    return _stripped(image, content_type, gps)


def _stripped(image: Image.Image, content_type: str, gps: tuple[float, float] | None) -> Photo:
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "P") and content_type != "image/jpeg" \
        else "RGB"
    pixels = upright.convert(mode)
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    # A new image holds pixels only: info, EXIF, XMP and ICC of the original stay behind.
    bare = Image.new(mode, pixels.size)
    bare.paste(pixels)
    out = io.BytesIO()
    if content_type == "image/jpeg":
        bare.save(out, "JPEG", quality=85, optimize=True)
    elif content_type == "image/png":
        bare.save(out, "PNG", optimize=False)
    else:
        bare.save(out, "WEBP", quality=85)
    data = out.getvalue()
    return Photo(data, content_type, bare.width, bare.height,
                 hashlib.sha256(data).hexdigest(), gps)


def read_gps(image: Image.Image) -> tuple[float, float] | None:
    """The (lat, long) in an image's EXIF GPS tags, or ``None``."""
    try:
        info: Any = image.getexif().get_ifd(_GPS_IFD)
    except (AttributeError, KeyError, ValueError, OSError, SyntaxError):
        return None
    if not info:
        return None
    try:
        lat = _degrees(info[2], info.get(1, "N"), "S")
        long = _degrees(info[4], info.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (math.isfinite(lat) and math.isfinite(long) and -90 <= lat <= 90
            and -180 <= long <= 180):
        return None
    return lat, long


def _degrees(dms: Any, ref: Any, negative: str) -> float:
    degrees, minutes, seconds = (float(x) for x in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -value if str(ref).strip().upper().startswith(negative) else value
