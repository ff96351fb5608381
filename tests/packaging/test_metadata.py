"""Desktop metadata, icons, licence and version files of packaging/, checked with the real
validators (desktop-file-validate from desktop-file-utils, appstreamcli from appstream) and the
real renderer (rsvg-convert from librsvg2-bin). A missing tool fails the test: these checks are
part of the test command, not optional."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests.packaging.conftest import REPO, project_version

APP_ID = "io.github.defenderdesk.defender_desk"
PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
ICONS = PACKAGING / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
VARIANTS = ("defender-desk", "defender-desk-discreet")
SVG_NS = "{http://www.w3.org/2000/svg}"


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is missing: install the Debian package {package} (tools/apt-packages.txt)"
        )
    return found


def desktop_entry() -> dict[str, str]:
    entry: dict[str, str] = {}
    group = None
    for line in DESKTOP.read_text("utf-8").splitlines():
        if line.startswith("["):
            group = line.strip("[]")
        elif "=" in line and group == "Desktop Entry":
            key, value = line.split("=", 1)
            entry[key] = value
    return entry


def test_desktop_file_validates() -> None:
    r = subprocess.run(
        [tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 0 and r.stdout.strip() == "" and r.stderr.strip() == "", (
        r.stdout + r.stderr
    )


def test_metainfo_validates() -> None:
    r = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True, text=True,
    )  # fmt: skip
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert not re.search(r"^[EW]: ", out, re.M), out


def test_installed_tree_validates(tmp_path: Path) -> None:
    """The files as packaging/build.py lays them out under share/ (and as they install under
    ~/.local/share or /usr/share) pass appstreamcli's check of an installed tree."""
    share = tmp_path / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir(parents=True)
    shutil.copyfile(DESKTOP, share / "applications" / DESKTOP.name)
    shutil.copyfile(METAINFO, share / "metainfo" / METAINFO.name)
    for size in SIZES:
        d = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        d.mkdir(parents=True)
        shutil.copyfile(ICONS / f"defender-desk-{size}.png", d / f"{APP_ID}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copyfile(ICONS / "defender-desk.svg", scalable / f"{APP_ID}.svg")
    appstreamcli = tool("appstreamcli", "appstream")
    r = subprocess.run(
        [appstreamcli, "validate-tree", "--no-net", "--no-color", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert not re.search(r"^[EW]: ", out, re.M), out


def test_ids_names_and_screenshots_agree() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert APP_ID == APP_ID.lower() and re.fullmatch(
        r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2,}", APP_ID
    )
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("icon") == APP_ID
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.find("content_rating").get("type") == "oars-1.1"  # type: ignore[union-attr]
    entry = desktop_entry()
    assert entry["Icon"] == APP_ID and entry["Exec"] == "defender-desk"
    # Qt derives the X11 WM_CLASS class from the application name (QApplication's
    # setApplicationName("DefenderDesk") in ui/app.py).
    assert entry["StartupWMClass"] == "DefenderDesk"
    assert {b.text for b in root.iter("binary")} == {"defender-desk", "defender-desk-cli"}
    with open(REPO / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    assert set(project["scripts"]) | set(project["gui-scripts"]) == {
        "defender-desk",
        "defender-desk-cli",
    }
    # Every screenshot is one of docs/screenshots/, published under the same path.
    images = [i.text or "" for i in root.iter("image")]
    assert images
    for url in images:
        assert url.startswith("https://"), url
        name = url.rsplit("/", 1)[1]
        assert url.endswith(f"/docs/screenshots/{name}")
        assert (REPO / "docs" / "screenshots" / name).is_file(), name
    # The gettext domain named for translation tracking exists, compiled, in both languages.
    assert root.findtext("translation") == "defender_desk"
    for lang in ("ru", "kk"):
        assert (REPO / f"src/defender_desk/locale/{lang}/LC_MESSAGES/defender_desk.mo").is_file()


@pytest.mark.parametrize("variant", VARIANTS)
def test_svg_icon_parses(variant: str) -> None:
    root = ET.parse(ICONS / f"{variant}.svg").getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 32 32"
    assert list(root.iter(f"{SVG_NS}path")) or list(root.iter(f"{SVG_NS}rect"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_png_size_exists_and_matches_the_svg(variant: str, tmp_path: Path) -> None:
    rsvg = tool("rsvg-convert", "librsvg2-bin")
    for size in SIZES:
        png = ICONS / f"{variant}-{size}.png"
        assert png.is_file(), png
        assert png_size(png) == (size, size)
        fresh = tmp_path / f"{size}.png"
        svg = str(ICONS / f"{variant}.svg")
        subprocess.run([rsvg, "-w", str(size), "-h", str(size), svg, "-o", str(fresh)], check=True)
        with Image.open(png) as a, Image.open(fresh) as b:
            diff = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA"))
            extrema: Any = diff.getextrema()  # one (low, high) pair per band
            worst = max(hi for _lo, hi in extrema)
        assert worst <= 8, f"{png.name} is stale: python3 packaging/build.py icons"


def test_windows_icon_has_every_size() -> None:
    data = (PACKAGING / "windows" / "defender-desk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        w, h = data[6 + 16 * i], data[7 + 16 * i]
        sizes.add((w or 256, h or 256))
    assert {(s, s) for s in (16, 20, 24, 32, 40, 48, 64, 256)} <= sizes, sizes


def test_licence_is_gpl3() -> None:
    text = (REPO / "LICENSE").read_text("utf-8")
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    assert "Version 3, 29 June 2007" in text and "END OF TERMS AND CONDITIONS" in text
    lgpl = (PACKAGING / "licenses" / "LGPL-3.0.txt").read_text("utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl and "Version 3, 29 June 2007" in lgpl
    assert "GPL-3.0-or-later" in (REPO / "pyproject.toml").read_text("utf-8")


def test_windows_and_installer_versions_match_the_project() -> None:
    version = project_version()
    nums = tuple(int(x) for x in version.split("."))
    quad = nums + (0,) * (4 - len(nums))
    info = (PACKAGING / "windows" / "version_info.txt").read_text("utf-8")
    for key in ("filevers", "prodvers"):
        m = re.search(rf"{key}=\(([\d, ]+)\)", info)
        assert m and tuple(int(x) for x in m.group(1).split(",")) == quad, key
    for key in ("FileVersion", "ProductVersion"):
        assert f"StringStruct('{key}', '{version}')" in info, key
    iss = (PACKAGING / "windows" / "defender-desk.iss").read_text("utf-8")
    assert f'#define AppVersion "{version}"' in iss
    assert f'#define AppId "{APP_ID}"' in iss


def test_dist_lock_is_pinned_with_hashes() -> None:
    lock = (REPO / "requirements" / "dist.lock").read_text("utf-8")
    assert re.search(r"^pyinstaller==6\.22\.3 \\$", lock, re.M)
    blocks = re.split(r"\n(?=[a-z])", lock.split("\n", 3)[-1])
    pins = [b for b in blocks if re.match(r"[a-z0-9-]+==", b)]
    assert pins and all("--hash=sha256:" in b for b in pins)
