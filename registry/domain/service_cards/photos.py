"""The card photo: only JPEG or PNG, decoded and re-encoded with Pillow (004 之三 二、4: the card
shows who the worker really is, so the family can compare faces at the door).

Re-encoding drops everything but the pixels (EXIF with its GPS position, ICC profiles, comments,
anything appended to the file), and turns the photo the way the camera meant (EXIF orientation)
before the metadata goes. The result is a 3:4 portrait, cropped to the middle and scaled to
``PHOTO_SIZE``: enough for the printed card (about 20 × 26 mm at 300 dpi) and the phone page.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

#: Largest upload accepted, in bytes (a phone photo is 2–5 MB).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: Width × height of the stored photo (3:4 portrait).
PHOTO_SIZE = (360, 480)
#: Smallest source accepted: below this a face cannot be recognised on the card.
MIN_SOURCE_SIZE = (150, 200)
#: Decoding bombs: refuse images with more pixels than this (about 60 megapixels).
MAX_PIXELS = 60_000_000
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}
FIELD = "photo"


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.jpeg).hexdigest()


def prepare_photo(data: bytes) -> Photo:
    """Check and re-encode an uploaded photo; DomainError (in Chinese, naming the field) otherwise."""
    if not data:
        raise DomainError("请选择照片文件", FIELD)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(f"照片文件过大({len(data) / 1024 / 1024:.1f} MB),不能超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB", FIELD)
    image = _open(data)
    if image.width < MIN_SOURCE_SIZE[0] or image.height < MIN_SOURCE_SIZE[1]:
        raise DomainError(
            f"照片太小({image.width}×{image.height} 像素),至少需要 {MIN_SOURCE_SIZE[0]}×{MIN_SOURCE_SIZE[1]} 像素", FIELD)
    portrait = ImageOps.fit(_as_rgb(image), PHOTO_SIZE, method=Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    out = io.BytesIO()
    # No exif, icc_profile or comment arguments: the new file carries none.
    portrait.save(out, "JPEG", quality=88, optimize=True)
    return Photo(out.getvalue(), *portrait.size)


def _open(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data), formats=tuple(ACCEPTED_FORMATS)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError("照片像素过多,请缩小后再上传", FIELD)
            probe.load()  # decode now: a truncated or corrupt file fails here, not later
            return ImageOps.exif_transpose(probe)
    except DomainError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise DomainError("照片只接受 JPEG 或 PNG 格式的图片文件", FIELD) from None
    except (OSError, ValueError, SyntaxError):
        raise DomainError("照片文件已损坏或不完整,无法读取", FIELD) from None


def _as_rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: transparent parts of a PNG become white, not black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
