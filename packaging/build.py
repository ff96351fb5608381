"""Build the Linux bundle: dist/defender-desk-<version>-linux-x86_64.tar.gz and dist/SHA256SUMS.

    python3 packaging/build.py            build (the README's "make dist")
    python3 packaging/build.py --fresh    the same from a new build venv
    python3 packaging/build.py icons      re-render packaging/icons/*.png and the Windows .ico
                                          from the SVGs (rsvg-convert, ImageMagick)

Reproducible from the lock files: a separate venv (build/venv-dist) gets exactly
requirements/runtime.lock + requirements/dist.lock with --require-hashes and wheels only;
PyInstaller runs with SOURCE_DATE_EPOCH (the last commit's time unless set) and
PYTHONHASHSEED=0; the tarball has sorted entries, one mtime, owner 0/0 and normalised modes,
and is gzipped without a name or time stamp. Two builds of the same tree on the same machine give
the same bytes. Needs: Python 3.11 with a shared libpython (python.org/Debian/pyenv builds
are), GNU tar, gzip, binutils (strip); dpkg for the system libraries' copyright files.

Standard library only, so any Python 3.11 can run it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
BUILD = REPO / "build"
VENV = BUILD / "venv-dist"
WORK = BUILD / "pyinstaller-work"
PYI_DIST = BUILD / "pyinstaller-dist"
STAGE = BUILD / "stage"
DIST = REPO / "dist"
APP_ID = "io.github.defenderdesk.defender_desk"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
LOCKS = ("requirements/runtime.lock", "requirements/dist.lock")


def version() -> str:
    with open(REPO / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def bundle_name(ver: str | None = None) -> str:
    return f"defender-desk-{ver or version()}-linux-{platform.machine()}"


def tarball_path(ver: str | None = None) -> Path:
    return DIST / f"{bundle_name(ver)}.tar.gz"


def say(msg: str) -> None:
    print(f"== {msg}", flush=True)


def run(argv: list[str | Path], **kw: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(a) for a in argv], check=True, **kw)  # type: ignore[call-overload,no-any-return]


def source_date_epoch() -> str:
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "log", "-1", "--format=%ct"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    return "1767225600"  # 2026-01-01T00:00:00Z, outside a git checkout


def build_env(sde: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV", "QT_", "DEFENDER_DESK"))
    }
    env.update(
        SOURCE_DATE_EPOCH=sde,
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        LC_ALL="C.UTF-8",
        TZ="UTC",
    )
    return env


# ------------------------------------------------------------------------------------------------
# The build venv: exactly the locks, nothing else
# ------------------------------------------------------------------------------------------------
def ensure_venv(fresh: bool) -> Path:
    py = VENV / "bin" / "python"
    want = hashlib.sha256(b"".join((REPO / lock).read_bytes() for lock in LOCKS)).hexdigest()
    stamp = VENV / ".locks.sha256"
    if fresh and VENV.exists():
        shutil.rmtree(VENV)
    if py.exists() and stamp.exists() and stamp.read_text().strip() == want:
        return py
    if VENV.exists():
        shutil.rmtree(VENV)
    base = os.environ.get("PYTHON") or sys.executable
    say(f"creating {VENV.relative_to(REPO)} with {base}")
    run([base, "-m", "venv", VENV])
    out = run(
        [py, "-c", "import sys, sysconfig; print(sys.version_info[:2] == (3, 11), "
         "sysconfig.get_config_var('Py_ENABLE_SHARED'))"],
        capture_output=True,
    ).stdout.decode().split()  # fmt: skip
    if out != ["True", "1"]:
        raise SystemExit(
            "the build needs CPython 3.11 built with a shared libpython (--enable-shared)"
        )
    say("installing the locks (--require-hashes, wheels only)")
    run(
        [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
         "--require-hashes", "--only-binary", ":all:",
         *[a for lock in LOCKS for a in ("-r", REPO / lock)]],
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    )  # fmt: skip
    stamp.write_text(want + "\n")
    return py


# ------------------------------------------------------------------------------------------------
# Staging and packing
# ------------------------------------------------------------------------------------------------
def stage_share(root: Path) -> None:
    """The freedesktop files, laid out as they install under ~/.local/share or /usr/share."""
    share = root / "share"
    apps = share / "applications"
    meta = share / "metainfo"
    apps.mkdir(parents=True)
    meta.mkdir(parents=True)
    shutil.copyfile(PACKAGING / "linux" / f"{APP_ID}.desktop", apps / f"{APP_ID}.desktop")
    shutil.copyfile(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml", meta / f"{APP_ID}.metainfo.xml")
    for variant, icon_name in (("", APP_ID), ("-discreet", f"{APP_ID}-discreet")):
        scalable = share / "icons" / "hicolor" / "scalable" / "apps"
        scalable.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            PACKAGING / "icons" / f"defender-desk{variant}.svg", scalable / f"{icon_name}.svg"
        )
        for size in ICON_SIZES:
            d = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
            d.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(
                PACKAGING / "icons" / f"defender-desk{variant}-{size}.png", d / f"{icon_name}.png"
            )


def du_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest(root: Path, n: int = 12) -> list[tuple[str, int]]:
    sizes: dict[str, int] = {}
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink():
            rel = p.relative_to(root).parts
            key = "/".join(rel[:3]) if rel[0] == "_internal" and len(rel) > 3 else "/".join(rel)
            sizes[key] = sizes.get(key, 0) + p.stat().st_size
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:n]


def pack(folder: Path, out: Path, sde: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as f:
        tar = subprocess.Popen(
            ["tar", "--sort=name", f"--mtime=@{sde}", "--owner=0", "--group=0",
             "--numeric-owner", "--mode=u+rwX,go+rX,go-w", "--format=gnu",
             "-C", str(folder.parent), "-cf", "-", folder.name],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        gz = subprocess.Popen(["gzip", "-n", "-9"], stdin=tar.stdout, stdout=f)
        assert tar.stdout is not None
        tar.stdout.close()
        if gz.wait() != 0 or tar.wait() != 0:
            raise SystemExit("tar | gzip failed")
    tmp.replace(out)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build(fresh: bool) -> Path:
    if not sys.platform.startswith("linux"):
        raise SystemExit(
            "packaging/build.py builds the Linux bundle; see packaging/README.md for Windows/macOS"
        )
    for tool in ("tar", "gzip", "strip"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (Debian: tar, gzip, binutils)")
    ver = version()
    sde = source_date_epoch()
    py = ensure_venv(fresh)
    env = build_env(sde)

    say(f"PyInstaller (SOURCE_DATE_EPOCH={sde})")
    run(
        [py, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
         "--distpath", PYI_DIST, "--workpath", WORK, PACKAGING / "defender-desk.spec"],
        env=env, cwd=REPO,
    )  # fmt: skip

    say("staging")
    name = bundle_name(ver)
    if STAGE.exists():
        shutil.rmtree(STAGE)
    root = STAGE / name
    shutil.copytree(PYI_DIST / "defender-desk", root, symlinks=True)
    shutil.copyfile(REPO / "LICENSE", root / "LICENSE")
    stage_share(root)
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink():
            os.utime(p, (int(sde), int(sde)))

    out = tarball_path(ver)
    say(f"packing {out.relative_to(REPO)}")
    pack(root, out, sde)
    digest = sha256(out)
    (DIST / "SHA256SUMS").write_text(f"{digest}  {out.name}\n")

    packed, unpacked, top = out.stat().st_size, du_bytes(root), largest(root)
    files = sum(1 for p in root.rglob("*") if p.is_file())
    report = {
        "version": ver,
        "tarball": out.name,
        "sha256": digest,
        "tarball_bytes": packed,
        "unpacked_bytes": unpacked,
        "files": files,
        "source_date_epoch": int(sde),
        "largest": top,
    }
    (BUILD / "dist-report.json").write_text(json.dumps(report, indent=2) + "\n")
    mib = 1024 * 1024
    say(f"{out.name}: {packed / mib:.1f} MiB packed, {unpacked / mib:.1f} MiB unpacked")
    print(f"   {files} files; the largest parts:")
    for key, size in top:
        print(f"   {size / mib:7.1f} MiB  {key}")
    print(f"{digest}  {out.name}  (dist/SHA256SUMS)")
    return out


# ------------------------------------------------------------------------------------------------
# Icons
# ------------------------------------------------------------------------------------------------
def icons() -> None:
    """Render the PNGs and the Windows .ico from the hand-written SVGs (deterministic)."""
    for tool in ("rsvg-convert", "convert"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (Debian: librsvg2-bin, imagemagick)")
    d = PACKAGING / "icons"

    def render(svg: Path, size: int, out: Path) -> None:
        run(["rsvg-convert", "-w", str(size), "-h", str(size), svg, "-o", out])

    for variant in ("", "-discreet"):
        for size in ICON_SIZES:
            render(
                d / f"defender-desk{variant}.svg", size, d / f"defender-desk{variant}-{size}.png"
            )
    tmp = BUILD / "ico-parts"
    tmp.mkdir(parents=True, exist_ok=True)
    for variant in ("", "-discreet"):
        parts = []
        for size in ICO_SIZES:
            part = tmp / f"{size}{variant}.png"
            render(d / f"defender-desk{variant}.svg", size, part)
            parts.append(part)
        run(["convert", *parts, PACKAGING / "windows" / f"defender-desk{variant}.ico"])
    say("icons rendered")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packaging/build.py", description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", choices=("dist", "icons"), default="dist")
    parser.add_argument("--fresh", action="store_true", help="recreate the build venv first")
    args = parser.parse_args(argv)
    if args.what == "icons":
        icons()
    else:
        build(args.fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
