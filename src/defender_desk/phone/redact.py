"""Working copies of images: regions blacked out, metadata stripped — made in memory.

What a working copy changes (recorded with it, next to the original's SHA-256):

* **Orientation applied.** The pixels are turned the way the EXIF orientation says, so the
  boxes — given in the image as it is shown, ``X,Y,W,H`` in pixels from the top left — cover
  what she saw; the copy then needs no orientation tag.
* **Boxes filled with pure black** (RGB 0,0,0, opaque), never blurred: nothing of what was
  under them can be recovered. A JPEG is re-encoded at quality 92 without chroma subsampling and
  each box is widened to the 8-pixel grid of JPEG blocks, so every pixel of the requested box
  decodes to exactly 0 (a box that cuts a block would ring back a little grey).
* **Metadata.** With ``strip_metadata``: no EXIF, no XMP, no IPTC, no comments, no ICC profile
  (a colour profile is first applied to the pixels, to sRGB). Without it: EXIF is kept except the
  embedded thumbnail and the maker's notes, which can hold an unredacted preview; XMP and
  comments are dropped for the same reason.
* **Format.** JPEG stays JPEG; PNG stays PNG; every other image (WebP, TIFF, GIF, BMP) becomes
  PNG. Animated images are refused.

Nothing is written to disk here: the caller stores the returned bytes as a new evidence file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from defender_desk.errors import N_
from defender_desk.phone.errors import BadBox, NotAnImage

JPEG_QUALITY = 92
BLOCK = 8
MAX_PIXELS = 200_000_000
_DROP_IFD0 = frozenset(
    {
        0x0112,  # Orientation (applied to the pixels)
        0x0201,  # JPEGInterchangeFormat: thumbnail offset
        0x0202,  # JPEGInterchangeFormatLength
        0x02BC,  # XMP packet inside TIFF
        0x83BB,  # IPTC
        0x8649,  # Photoshop resources (may hold a thumbnail)
        0x8773,  # ICC profile inside TIFF
        0x8769,  # Exif IFD (copied separately)
        0x8825,  # GPS IFD (copied separately)
        0xA005,  # Interoperability IFD
        0x927C,  # MakerNote (if misplaced in IFD0)
        0x9286,  # UserComment
    }
)
_DROP_EXIF = frozenset({0x927C, 0xA005, 0x9286})  # MakerNote, Interop IFD, UserComment


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]

    def text(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"


def parse_box(text: str) -> Box:
    """``X,Y,W,H`` (whole pixels, W and H above zero). Raises :class:`BadBox`."""
    parts = text.replace(" ", "").split(",")
    try:
        values = [int(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or min(values) < 0 or values[2] == 0 or values[3] == 0:
        raise BadBox(box=text, width="?", height="?", reason=N_("write it as X,Y,W,H in pixels"))
    return Box(*values)


@dataclass(frozen=True)
class WorkingCopy:
    data: bytes
    media_type: str
    extension: str
    changes: dict[str, Any]


def _open(data: bytes, evidence_id: str) -> Any:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        im = Image.open(io.BytesIO(data))
        if getattr(im, "n_frames", 1) > 1:
            raise NotAnImage(id=evidence_id, reason=N_("animated images are not supported"))
        im.load()
        oriented = ImageOps.exif_transpose(im)
        return im, oriented
    except NotAnImage:
        raise
    except Exception:  # noqa: BLE001 - hostile files make Pillow raise many kinds
        raise NotAnImage(id=evidence_id, reason=N_("it cannot be read as an image")) from None


def _check(boxes: list[Box], width: int, height: int) -> None:
    for b in boxes:
        if b.x + b.w > width or b.y + b.h > height:
            raise BadBox(
                box=b.text(),
                width=width,
                height=height,
                reason=N_("it reaches past the edge of the image"),
            )


def _grid(b: Box, width: int, height: int) -> Box:
    x0, y0 = b.x - b.x % BLOCK, b.y - b.y % BLOCK
    x1 = min(width, -(-(b.x + b.w) // BLOCK) * BLOCK)
    y1 = min(height, -(-(b.y + b.h) // BLOCK) * BLOCK)
    return Box(x0, y0, x1 - x0, y1 - y0)


def _black(mode: str) -> Any:
    return {"L": 0, "LA": (0, 255), "RGBA": (0, 0, 0, 255), "I": 0, "I;16": 0, "F": 0.0}.get(
        mode, (0, 0, 0)
    )


def _fill(im: Any, boxes: list[Box]) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(im)
    for b in boxes:
        draw.rectangle((b.x, b.y, b.x + b.w - 1, b.y + b.h - 1), fill=_black(im.mode))


def _to_srgb(im: Any, icc: bytes | None) -> Any:
    if not icc:
        return im
    from PIL import ImageCms

    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        mode = "RGBA" if "A" in im.getbands() else "RGB"
        return ImageCms.profileToProfile(im, src, dst, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im


def _kept_exif(source: Any) -> Any:
    """The source's EXIF without thumbnail, maker notes, comments, XMP, orientation."""
    from PIL import Image

    exif = source.getexif()
    kept = Image.Exif()
    for tag, value in exif.items():
        if tag not in _DROP_IFD0:
            kept[tag] = value
    sub = {t: v for t, v in exif.get_ifd(0x8769).items() if t not in _DROP_EXIF}
    if sub:
        kept[0x8769] = sub
    gps = dict(exif.get_ifd(0x8825).items())
    if gps:
        kept[0x8825] = gps
    return kept


def working_copy(
    data: bytes, boxes: list[Box], *, strip_metadata: bool, evidence_id: str
) -> WorkingCopy:
    source, im = _open(data, evidence_id)
    width, height = im.size
    _check(boxes, width, height)
    jpeg = source.format == "JPEG"
    icc = source.info.get("icc_profile")
    if strip_metadata:
        im = _to_srgb(im, icc)
    if jpeg:
        im = im.convert("RGB") if im.mode not in ("RGB", "L") else im.copy()
        filled = [_grid(b, width, height) for b in boxes]
    else:
        if im.mode not in ("RGB", "RGBA", "L", "LA"):
            im = im.convert("RGBA")
        else:
            im = im.copy()
        filled = list(boxes)
    _fill(im, filled)
    out = io.BytesIO()
    params: dict[str, Any] = {}
    if not strip_metadata:
        params["exif"] = _kept_exif(source).tobytes()
        if icc:
            params["icc_profile"] = icc
    if jpeg:
        im.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0, **params)
        media_type, ext = "image/jpeg", "jpg"
    else:
        im.save(out, "PNG", **params)
        media_type, ext = "image/png", "png"
    changes = {
        "boxes": [b.as_list() for b in boxes],
        "blacked_out": [b.as_list() for b in filled],
        "metadata_stripped": strip_metadata,
        "orientation_applied": True,
        "format": "JPEG" if jpeg else "PNG",
        "width": width,
        "height": height,
    }
    if jpeg:
        changes["jpeg_quality"] = JPEG_QUALITY
    return WorkingCopy(out.getvalue(), media_type, ext, changes)


def preview_png(data: bytes, boxes: list[Box], *, evidence_id: str, max_side: int = 1024) -> bytes:
    """The image as shown, with the boxes filled as the working copy would, scaled to fit
    ``max_side`` — PNG bytes for the redaction tool's preview. Boxes past the edge are clipped
    here (the tool is drawing them); :func:`working_copy` refuses them."""
    source, im = _open(data, evidence_id)
    width, height = im.size
    clipped = []
    for b in boxes:
        x1, y1 = min(width, b.x + b.w), min(height, b.y + b.h)
        if b.x < width and b.y < height and x1 > b.x and y1 > b.y:
            clipped.append(Box(b.x, b.y, x1 - b.x, y1 - b.y))
    if source.format == "JPEG":
        clipped = [_grid(b, width, height) for b in clipped]
    im = im.convert("RGBA") if im.mode not in ("RGB", "RGBA") else im.copy()
    _fill(im, clipped)
    im.thumbnail((max_side, max_side))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()
