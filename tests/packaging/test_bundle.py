"""Smoke test of the built bundle (``--run-bundle``): the release tarball, unpacked, run with a
clean environment (``env -i`` with PATH=/usr/bin:/bin, HOME, QT_QPA_PLATFORM=offscreen — and the
suite's cheap-KDF switch, which the bundle must ignore) and real peers (age, pdftotext).

- The bundled CLI creates a vault, adds a contact and an incident, and writes an export that
  ``age -d`` opens; the report inside is a PDF whose Kazakh text pdftotext reads back.
- The bundled GUI starts offscreen and shows the unlock window. It is detected from outside:
  Qt's own debug category ``qt.widgets.painting`` logs "Flushing … of UnlockWindow(…)" when the
  window's pixels reach the platform window (the app reads QT_LOGGING_RULES from the
  environment and only sets a default).
- No Python from the system: the running processes' ``/proc/<pid>/maps`` reference Python (the
  interpreter library, extension modules, site-packages) only inside the unpacked bundle.
- The bundle is lean: Qt's translations, plugins and libraries are the listed ones only.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO, Bundle

pytestmark = pytest.mark.bundle

CLEAN_PATH = "/usr/bin:/bin"
PASS = "correct horse — батарея скрепка"
TITLE = "Әкімдікке шақыру туралы қоқан-лоқы"  # Kazakh: a threat about a summons to the akimat
UNLOCK_SHOWN = re.compile(r"Flushing QRegion\(.*\) of UnlockWindow\(")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": CLEAN_PATH,
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "DEFENDER_DESK_INSECURE_CHEAP_KDF_FOR_TESTS_ONLY": "1",
    }
    env.update(extra)
    return env


def need(tool: str) -> str:
    found = shutil.which(tool, path=CLEAN_PATH)
    if found is None:
        pytest.fail(f"{tool} is missing: bash tools/apt.sh tools/apt-packages.txt installs it")
    return found


def run_cli(
    bundle: Bundle,
    home: Path,
    vault: Path,
    args: Sequence[str],
    secrets: Sequence[str] = (),
    *,
    lang: str | None = None,
) -> subprocess.CompletedProcess[str]:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, "".join(s + "\n" for s in secrets).encode())
    os.close(write_fd)
    argv = [str(bundle.cli), "--vault-dir", str(vault)]
    argv += ["--lang", lang] if lang else []
    argv += ["--passphrase-fd", str(read_fd), *args]
    try:
        return subprocess.run(
            argv,
            env=clean_env(home),
            pass_fds=(read_fd,),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    finally:
        os.close(read_fd)


def mapped_files(pid: int) -> set[str]:
    try:
        text = Path(f"/proc/{pid}/maps").read_text()
    except PermissionError:
        pytest.fail(
            "cannot read /proc/<pid>/maps of the bundled process: the app makes itself "
            "non-dumpable (PR_SET_DUMPABLE=0), so this check needs root or CAP_SYS_PTRACE"
        )
    files = set()
    for line in text.splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[5].startswith("/"):
            files.add(parts[5].removesuffix(" (deleted)"))
    return files


def assert_no_outside_python(files: set[str], bundle: Bundle) -> None:
    """Every mapped file that is Python (interpreter library, extension module, anything from a
    site-packages, a pyenv or a venv) lies inside the unpacked bundle."""
    inside = str(bundle.root.resolve()) + os.sep
    outside_roots = {
        str(Path(p).resolve())
        for p in (sys.base_prefix, sys.prefix, REPO / ".venv", REPO / "build" / "venv-dist")
    }
    pythonish = re.compile(
        r"(python3|libpython|site-packages|dist-packages|\.pyenv|cpython-3|\.abi3\.so)", re.I
    )
    bad = sorted(
        f
        for f in files
        if not f.startswith(inside)
        and (pythonish.search(f) or any(f.startswith(r + os.sep) for r in outside_roots))
    )
    assert not bad, f"files from outside the bundle mapped: {bad}"
    libpython = [f for f in files if "libpython3" in f]
    assert libpython and all(f.startswith(inside) for f in libpython), libpython


def test_cli_vault_incident_export_opens_with_age(bundle: Bundle, tmp_path: Path) -> None:
    age, age_keygen, pdftotext = need("age"), need("age-keygen"), need("pdftotext")
    home = tmp_path / "home"
    home.mkdir()
    vault = tmp_path / "vault"

    r = run_cli(bundle, home, vault, ["init", "--json"], [PASS])
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["recovery_code"].replace("-", "")) == 32
    # The test-only cheap key derivation is switched on in the environment: the bundle
    # ignores it (issue 12, item 8) and calibrates real parameters, never below the floor.
    r = run_cli(bundle, home, vault, ["status", "--json"], [PASS])
    assert r.returncode == 0, r.stderr
    kdf = json.loads(r.stdout)["kdf"]
    assert not kdf["below_floor"] and kdf["memory_kib"] >= 64 * 1024, kdf
    assert "weaker than the recommended minimum" not in r.stderr

    key = tmp_path / "lawyer.key"
    subprocess.run([age_keygen, "-o", str(key)], check=True, capture_output=True)
    recipient = subprocess.run(
        [age_keygen, "-y", str(key)], check=True, capture_output=True, text=True
    ).stdout.strip()
    r = run_cli(
        bundle, home, vault,
        ["contact", "add", "--name", "Адвокат", "--role", "lawyer", "--age-recipient", recipient],
        [PASS],
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    contact = r.stdout.strip()

    r = run_cli(
        bundle, home, vault,
        ["incident", "add", "--category", "DD-SMEAR", "--title", TITLE,
         "--happened", "2026-05-14T21:30", "--text", "Позвонили и угрожали."],
        [PASS],
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    incident = r.stdout.strip()

    # Translations and Babel's locale data made it into the bundle.
    r = run_cli(bundle, home, vault, ["incident", "list"], [PASS], lang="ru")
    assert r.returncode == 0, r.stderr
    assert incident in r.stdout and TITLE in r.stdout and "мая 2026" in r.stdout, r.stdout

    out = tmp_path / "exports"
    out.mkdir()
    r = run_cli(
        bundle, home, vault,
        ["export", "--recipient", contact, "--report-lang", "kk", "-o", str(out)], [PASS],
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    export = Path(r.stdout.strip())
    assert export.parent == out and export.read_bytes().startswith(b"age-encryption.org/v1\n")

    plain = tmp_path / "export.zip"
    subprocess.run([age, "-d", "-i", str(key), "-o", str(plain), str(export)], check=True)
    with zipfile.ZipFile(plain) as z:
        names = set(z.namelist())
        assert {"manifest.json", "data.json", "report.pdf", "SHA256SUMS"} <= names, names
        assert TITLE in z.read("data.json").decode("utf-8")
        (tmp_path / "report.pdf").write_bytes(z.read("report.pdf"))
    text = subprocess.run(
        [pdftotext, str(tmp_path / "report.pdf"), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    assert TITLE in " ".join(text.split()), text[:2000]


def test_cli_uses_no_python_from_the_system(bundle: Bundle, tmp_path: Path) -> None:
    """The CLI, caught while it waits for the passphrase on its descriptor (after the
    interpreter, the vault code and SQLCipher are loaded), maps Python only from the bundle."""
    home = tmp_path / "home"
    home.mkdir()
    vault = tmp_path / "vault"
    assert run_cli(bundle, home, vault, ["init"], [PASS]).returncode == 0
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [str(bundle.cli), "--vault-dir", str(vault), "--passphrase-fd", str(read_fd), "status"],
        env=clean_env(home),
        pass_fds=(read_fd,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(read_fd)
    try:
        deadline = time.monotonic() + 60
        waiting = False
        while time.monotonic() < deadline and proc.poll() is None:
            # /proc/<pid>/syscall: "0 0x<fd> …" while blocked in read(2) on that descriptor
            fields = Path(f"/proc/{proc.pid}/syscall").read_text().split()
            if fields[:2] == ["0", hex(read_fd)]:
                waiting = True
                break
            time.sleep(0.05)
        assert waiting, "the CLI never waited for its passphrase"
        files = mapped_files(proc.pid)
        assert_no_outside_python(files, bundle)
    finally:
        os.write(write_fd, (PASS + "\n").encode())
        os.close(write_fd)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    assert b"incidents: 0" in out


def _read_lines(stream: object, lines: queue.Queue[str | None]) -> None:
    for raw in stream:  # type: ignore[attr-defined]
        lines.put(raw.decode("utf-8", "replace"))
    lines.put(None)


def test_gui_starts_offscreen_and_shows_the_unlock_window(
    bundle: Bundle, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    vault = tmp_path / "vault"
    assert run_cli(bundle, home, vault, ["init"], [PASS]).returncode == 0

    started = time.monotonic()
    proc = subprocess.Popen(
        [str(bundle.gui), "--vault-dir", str(vault)],
        env=clean_env(home, QT_LOGGING_RULES="qt.widgets.painting.debug=true"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stderr, lines), daemon=True)
    reader.start()
    seen: list[str] = []
    shown_after: float | None = None
    try:
        deadline = started + 60
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            seen.append(line)
            if UNLOCK_SHOWN.search(line):
                shown_after = time.monotonic() - started
                break
        assert shown_after is not None, (
            f"no unlock window (exit code {proc.poll()}); last stderr lines: {seen[-20:]}"
        )
        assert proc.poll() is None, "the app exited right after showing the unlock window"
        files = mapped_files(proc.pid)
        assert_no_outside_python(files, bundle)
        inside = str(bundle.root.resolve()) + os.sep
        qt_core = [f for f in files if "libQt6Core" in f]
        assert qt_core and all(f.startswith(inside) for f in qt_core), qt_core
        assert any(f.startswith(inside) and "libqoffscreen" in f for f in files)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    # Reported, never asserted (timings depend on the machine).
    record_property("unlock_window_seconds", f"{shown_after:.3f}")
    print(f"\nbundled GUI: unlock window shown {shown_after:.3f} s after start")


def test_the_bundle_is_lean_and_carries_its_licences(bundle: Bundle) -> None:
    internal = bundle.root / "_internal"
    files = [p for p in internal.rglob("*") if p.is_file() or p.is_symlink()]
    names = [p.relative_to(internal).as_posix() for p in files]

    qm = sorted(Path(n).name for n in names if n.endswith(".qm"))
    assert qm == ["qtbase_en.qm", "qtbase_kk.qm", "qtbase_ru.qm"], qm

    plugins = sorted(n.split("/plugins/", 1)[1] for n in names if "/plugins/" in n)
    assert plugins == [
        "imageformats/libqgif.so",
        "imageformats/libqjpeg.so",
        "imageformats/libqwebp.so",
        "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "platforminputcontexts/libibusplatforminputcontextplugin.so",
        "platforms/libqoffscreen.so",
        "platforms/libqwayland.so",
        "platforms/libqxcb.so",
        "wayland-decoration-client/libbradient.so",
        "wayland-shell-integration/libxdg-shell.so",
    ], plugins

    unwanted = re.compile(
        r"Qt6(Network|Qml|Quick|WebEngine|Designer|OpenGL|Svg|PrintSupport|Sql|Pdf|Test)"
        r"|/qml/|tkinter|libgtk|libcups|libgssapi|PIL/_avif",
        re.I,
    )
    assert not [n for n in names if unwanted.search(n)]
    locale_data = sorted(Path(n).stem for n in names if n.startswith("babel/locale-data/"))
    assert "ru" in locale_data and "kk" in locale_data and "de" not in locale_data
    for mo in ("ru", "kk"):
        assert (internal / f"defender_desk/locale/{mo}/LC_MESSAGES/defender_desk.mo").is_file()
    assert not [n for n in names if n.endswith(".po")]
    assert (internal / "defender_desk/resources/taxonomy.json").is_file()
    assert list((internal / "defender_desk/vault/migrations").glob("*.sql"))
    assert (internal / "tzdata/zoneinfo/Asia/Almaty").is_file()

    lic = internal / "LICENSES"
    assert (lic / "defender-desk" / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    assert (bundle.root / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (lic / "Qt" / "LGPL-3.0.txt").read_text()
    assert "PySide6" in (lic / "versions.txt").read_text()
    assert "Bitstream" in (lic / "DejaVu-fonts" / "LICENSE").read_text()
    assert "PYTHON SOFTWARE FOUNDATION" in (lic / "Python" / "LICENSE.txt").read_text()
    for dist in ("cryptography", "pyrage", "sqlcipher3", "pydantic", "fpdf2", "babel", "pillow",
                 "segno", "tzdata", "pyinstaller"):  # fmt: skip
        found = [p for p in (lic / "python").glob(f"{dist}-*") if any(p.rglob("*"))]
        assert found, f"no licence for {dist}"
    system = (lic / "system" / "libraries.tsv").read_text().splitlines()[1:]
    for row in system:
        _lib, _src, pkg = row.split("\t")
        assert (lic / "system" / f"{pkg}.copyright").is_file(), row

    share = bundle.root / "share"
    app_id = "io.github.defenderdesk.defender_desk"
    assert (share / "applications" / f"{app_id}.desktop").is_file()
    assert (share / "metainfo" / f"{app_id}.metainfo.xml").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        for icon in (app_id, f"{app_id}-discreet"):
            assert (share / f"icons/hicolor/{size}x{size}/apps/{icon}.png").is_file()
    assert os.access(bundle.gui, os.X_OK) and os.access(bundle.cli, os.X_OK)


def test_tarball_is_reproducible_in_its_metadata(bundle: Bundle) -> None:
    """One owner (0/0) and a single mtime (SOURCE_DATE_EPOCH) for every entry, and the same
    entry order as a name-sorted walk of the unpacked folder (tar --sort=name)."""
    listing = subprocess.run(
        ["tar", "--numeric-owner", "-tvzf", str(bundle.tarball)],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()  # fmt: skip
    owners = {line.split()[1] for line in listing}
    stamps = {(line.split()[3], line.split()[4]) for line in listing}
    assert owners == {"0/0"}, owners
    assert len(stamps) == 1, stamps
    members = [line.split(None, 5)[5].split(" -> ")[0].rstrip("/") for line in listing]

    def walk(folder: Path, rel: str) -> list[str]:
        out = [rel]
        if folder.is_dir() and not folder.is_symlink():
            for child in sorted(os.listdir(folder), key=os.fsencode):
                out += walk(folder / child, f"{rel}/{child}")
        return out

    assert members == walk(bundle.root, bundle.root.name)
