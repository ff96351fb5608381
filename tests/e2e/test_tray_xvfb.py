"""End to end on a real X server: the real app in a real system tray.

Xvfb (a virtual X server) with ``trayer`` (a panel holding a freedesktop system tray), the real
app (``python -m defender_desk.gui_main`` on Qt's xcb platform) over a vault made by the CLI.
``xdotool`` types the passphrase into the unlock window, right-clicks the tray icon, and clicks
**Lock now** in the real tray menu. The app must then have re-executed itself into the unlock
window: the main window gone, the vault's instance lock released, the same process alive with a
new X connection and (with address-space randomisation on) a new stack — then the new unlock
window opens the vault again, and the tray's **Quit** ends the process.

Screenshots (``import -window root``) of each step are left in the test's ``tmp_path``.

The tools are required, not optional: when one is missing the test fails and names the Debian
packages to install (``tools/apt-packages.txt`` lists them for the test command).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from defender_desk.errors import VaultInUse
from defender_desk.instance import InstanceLock

PASSPHRASE = "tray test passphrase 42"  # typed by xdotool: ASCII keeps the keymap out of it
TITLE = "Defender Desk"
TOOLS = {
    "Xvfb": "xvfb",
    "xauth": "xauth",
    "xdotool": "xdotool",
    "trayer": "trayer",
    "xprop": "x11-utils",
}
TOOLS_IMPORT = {"import": "imagemagick"}
WAIT = 30.0


@dataclass
class Window:
    wid: str
    x: int
    y: int
    width: int
    height: int


class Display:
    """Xvfb, trayer and the processes started on them; everything is ended on close."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XDG_", "DBUS_", "WAYLAND_", "QT_"))
            and k not in ("DISPLAY", "XAUTHORITY", "DEFENDER_DESK_HOME")
        }
        home = tmp / "home"
        for sub in (".config", ".local/share", ".cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        runtime = tmp / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_RUNTIME_DIR=str(runtime),
            QT_QPA_PLATFORM="xcb",
            QT_LOGGING_RULES="*.debug=false;qt.*.info=false",
        )
        self.shots: list[Path] = []

    # -- processes ----------------------------------------------------------------------------
    def spawn(self, argv: list[str], log: str) -> subprocess.Popen[bytes]:
        out = (self.tmp / log).open("wb")
        proc = subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.procs.append(proc)
        return proc

    def start_x(self) -> None:
        auth = self.tmp / "Xauthority"
        cookie = secrets.token_hex(16)
        for number in range(91, 140):
            if Path(f"/tmp/.X{number}-lock").exists():
                continue
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                continue
            subprocess.run(
                ["xauth", "-f", str(auth), "add", f":{number}", "MIT-MAGIC-COOKIE-1", cookie],
                check=True,
                capture_output=True,
            )
            xvfb = self.spawn(
                [
                    "Xvfb",
                    f":{number}",
                    "-auth",
                    str(auth),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                    "-noreset",
                ],
                f"xvfb-{number}.log",
            )
            socket = Path(f"/tmp/.X11-unix/X{number}")
            deadline = time.monotonic() + 10
            while xvfb.poll() is None and not socket.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if xvfb.poll() is None and socket.exists():
                self.env["DISPLAY"] = f":{number}"
                self.env["XAUTHORITY"] = str(auth)
                self.wait_for(lambda: self.run_ok(["xdotool", "getmouselocation"]), "Xvfb")
                return
            xvfb.kill()
            xvfb.wait()
        pytest.fail("no free X display number for Xvfb between :91 and :139")

    def start_tray(self) -> None:
        self.spawn(
            [
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "32",
                "--expand",
                "true",
                "--transparent",
                "false",
                "--SetDockType",
                "true",
            ],
            "trayer.log",
        )
        self.wait_for(lambda: bool(self.search("--name", "^panel$")), "trayer's panel")

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    # -- X ------------------------------------------------------------------------------------
    def run_ok(self, argv: list[str]) -> bool:
        return subprocess.run(argv, env=self.env, capture_output=True, check=False).returncode == 0

    def xdotool(self, *args: str) -> str:
        r = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, timeout=20, check=False
        )
        if r.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {r.stderr.decode(errors='replace')}")
        return r.stdout.decode()

    def search(self, *args: str) -> list[str]:
        r = subprocess.run(
            ["xdotool", "search", *args], env=self.env, capture_output=True, timeout=20, check=False
        )
        return r.stdout.decode().split()

    def geometry(self, wid: str) -> Window | None:
        r = subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", wid],
            env=self.env,
            capture_output=True,
            timeout=20,
            check=False,
        )
        if r.returncode != 0:
            return None  # the window went away meanwhile
        values = dict(line.split("=", 1) for line in r.stdout.decode().split() if "=" in line)
        return Window(
            wid, int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])
        )

    def app_windows(self, *, visible: bool = True) -> list[Window]:
        """The app's windows (their names are the app's display name). ``search --name`` with
        a pattern misses some (embedded, popup), so every window is listed and asked."""
        args = ["--onlyvisible"] if visible else []
        found = [
            self.geometry(w) for w in self.search(*args, "--name", "") if self.name_of(w) == TITLE
        ]
        return [w for w in found if w is not None]

    def main_window(self) -> Window | None:
        return next((w for w in self.app_windows() if w.width >= 900), None)

    def unlock_window(self) -> Window | None:
        return next((w for w in self.app_windows() if 300 <= w.width < 900), None)

    def name_of(self, wid: str) -> str:
        r = subprocess.run(
            ["xdotool", "getwindowname", wid], env=self.env, capture_output=True, check=False
        )
        return r.stdout.decode(errors="replace").strip()

    def tray_icon(self) -> Window | None:
        """The icon's window, embedded (XEMBED) in trayer's panel. ``search --name`` does not
        match it there; it is the app's small window inside the panel."""
        panels = [g for g in map(self.geometry, self.search("--name", "^panel$")) if g]
        icons = [
            g
            for g in self.app_windows()
            if 8 <= g.width <= 64
            and 8 <= g.height <= 64
            and any(p.x <= g.x < p.x + p.width and p.y <= g.y < p.y + p.height for p in panels)
        ]
        return icons[0] if len(icons) == 1 else None

    def wait_for(self, predicate: Callable[[], object], what: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        shot = self.screenshot(f"timeout-{what.replace(' ', '-')}")
        logs = "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.tmp.glob("*.log"))
        )
        pytest.fail(f"timed out waiting for {what}; screen in {shot}\n{logs}")

    def screenshot(self, name: str) -> Path:
        path = self.tmp / f"{len(self.shots):02d}-{name}.png"
        subprocess.run(
            ["import", "-window", "root", str(path)],
            env=self.env,
            capture_output=True,
            timeout=30,
            check=False,
        )
        self.shots.append(path)
        return path

    def type_passphrase_into(self, window: Window) -> None:
        self.xdotool("windowfocus", "--sync", window.wid)
        self.xdotool("type", "--delay", "15", PASSPHRASE)
        self.xdotool("key", "Return")

    def open_tray_menu(self) -> Window:
        icon = self.tray_icon()
        assert icon is not None
        before = {w.wid for w in self.app_windows()}  # the menu's window may exist, unmapped
        self.xdotool("mousemove", "--window", icon.wid, str(icon.width // 2), str(icon.height // 2))
        self.xdotool("click", "3")
        menus: list[Window] = []

        def menu_shown() -> bool:
            menus[:] = [
                w
                for w in self.app_windows()
                if w.wid not in before and w.height >= 40 and w.width >= 60
            ]
            return bool(menus)

        self.wait_for(menu_shown, "the tray menu")
        return menus[0]

    def click_menu_item(self, menu: Window, *, first: bool) -> None:
        """The menu holds Lock now · Show · — · Panic wipe… · — · Quit: the first item's middle
        is about an eighth of the way down, the last one's as far from the bottom."""
        offset = max(6, round(menu.height * 0.12))
        y = offset if first else menu.height - offset
        self.xdotool("mousemove", "--window", menu.wid, str(min(40, menu.width // 3)), str(y))
        self.xdotool("click", "1")


@pytest.fixture
def display(tmp_path: Path) -> Iterator[Display]:
    missing = sorted(
        {pkg for tool, pkg in {**TOOLS, **TOOLS_IMPORT}.items() if shutil.which(tool) is None}
    )
    assert not missing, "the end-to-end tray test needs these Debian packages: " + " ".join(missing)
    assert_qt_xcb_libraries()
    d = Display(tmp_path)
    try:
        d.start_x()
        d.start_tray()
        yield d
    finally:
        d.close()


def assert_qt_xcb_libraries() -> None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    assert plugin.exists(), plugin
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, check=False).stdout.decode()
    missing = sorted({line.split()[0] for line in out.splitlines() if "not found" in line})
    assert not missing, f"Qt's xcb platform plugin misses libraries: {missing}"


def lock_is_held(vault: Path) -> bool:
    try:
        InstanceLock(vault / "vault.lock").acquire().release()
    except VaultInUse:
        return True
    return False


def sockets_of(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:"):
            out.add(target)
    return out


def stack_of(pid: int) -> str:
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        if line.endswith("[stack]"):
            return line.split()[0]
    return ""


def aslr_on() -> bool:
    try:
        return Path("/proc/sys/kernel/randomize_va_space").read_text().strip() != "0"
    except OSError:
        return False


def test_tray_lock_now_restarts_into_the_unlock_window(
    display: Display, tmp_path: Path, cli: Callable[..., object]
) -> None:
    vault = tmp_path / "vault"
    made = cli(vault, ["init", "--json"], [PASSPHRASE])
    assert made.code == 0, made.err  # type: ignore[attr-defined]

    app = display.spawn(
        [sys.executable, "-m", "defender_desk.gui_main", "--vault-dir", str(vault), "--lang", "en"],
        "app.log",
    )
    display.wait_for(display.unlock_window, "the unlock window")
    display.wait_for(display.tray_icon, "the tray icon in trayer's panel")
    assert not lock_is_held(vault)
    display.screenshot("unlock-window")

    unlock = display.unlock_window()
    assert unlock is not None
    display.type_passphrase_into(unlock)
    display.wait_for(display.main_window, "the main window after unlocking")
    assert lock_is_held(vault)
    assert display.unlock_window() is None
    display.screenshot("unlocked")
    sockets_before, stack_before = sockets_of(app.pid), stack_of(app.pid)
    assert sockets_before

    menu = display.open_tray_menu()
    display.screenshot("tray-menu")
    display.click_menu_item(menu, first=True)  # Lock now
    display.wait_for(
        lambda: display.main_window() is None and display.unlock_window() is not None,
        "the unlock window after Lock now",
    )
    display.wait_for(lambda: not lock_is_held(vault), "the vault lock to be released")
    display.wait_for(display.tray_icon, "the tray icon after the restart")
    display.screenshot("locked")
    assert app.poll() is None, "the app exited instead of re-executing"
    # A new process image in the same process: its X connection and stack are new.
    assert sockets_of(app.pid).isdisjoint(sockets_before)
    if aslr_on():
        assert stack_of(app.pid) != stack_before

    # The restarted unlock window works, and the tray's Quit ends the app.
    relocked = display.unlock_window()
    assert relocked is not None
    display.type_passphrase_into(relocked)
    display.wait_for(display.main_window, "the main window after the second unlock")
    assert lock_is_held(vault)
    menu = display.open_tray_menu()
    display.click_menu_item(menu, first=False)  # Quit
    app.wait(timeout=WAIT)
    assert app.returncode == 0, (tmp_path / "app.log").read_text(errors="replace")
    assert not lock_is_held(vault)


def test_tray_panic_wipe_erases_the_vault(
    display: Display, tmp_path: Path, cli: Callable[..., object]
) -> None:
    """The real tray menu → Panic wipe… → the button held for two seconds (Space held down,
    keyboard only) → the key file is gone, then everything; one neutral line; the app exits."""
    vault = tmp_path / "vault"
    made = cli(vault, ["init", "--json"], [PASSPHRASE])
    assert made.code == 0, made.err  # type: ignore[attr-defined]
    app = display.spawn(
        [sys.executable, "-m", "defender_desk.gui_main", "--vault-dir", str(vault), "--lang", "en"],
        "app.log",
    )
    display.wait_for(display.unlock_window, "the unlock window")
    display.wait_for(display.tray_icon, "the tray icon in trayer's panel")
    unlock = display.unlock_window()
    assert unlock is not None
    display.type_passphrase_into(unlock)
    display.wait_for(display.main_window, "the main window after unlocking")
    assert (vault / "vault.key").exists()

    display.open_tray_menu()
    display.screenshot("tray-menu-for-wipe")
    display.xdotool("key", "Up", "Up", "Return")  # from the bottom: Quit, then Panic wipe…
    dialogs: list[str] = []

    def wipe_dialog() -> bool:
        dialogs[:] = display.search("--onlyvisible", "--name", "^Panic wipe$")
        return bool(dialogs)

    display.wait_for(wipe_dialog, "the panic wipe dialog")
    display.screenshot("wipe-dialog")
    display.xdotool("windowfocus", "--sync", dialogs[0])
    display.xdotool("key", "Return")  # Cancel has the focus: Enter alone erases nothing
    time.sleep(0.5)
    assert (vault / "vault.key").exists()
    assert app.poll() is None

    display.open_tray_menu()
    display.xdotool("key", "Up", "Up", "Return")
    display.wait_for(wipe_dialog, "the panic wipe dialog again")
    display.xdotool("windowfocus", "--sync", dialogs[0])
    display.xdotool("key", "shift+Tab")  # to the hold button
    display.xdotool("keydown", "space")
    time.sleep(0.8)
    assert (vault / "vault.key").exists(), "released too early must not erase"
    time.sleep(1.8)
    display.xdotool("keyup", "space")
    display.wait_for(lambda: not (vault / "vault.key").exists(), "the key file to be erased")
    display.screenshot("after-wipe")
    display.xdotool("key", "Return")  # the one neutral line ("Done.")
    app.wait(timeout=WAIT)
    assert app.returncode == 0, (tmp_path / "app.log").read_text(errors="replace")
    left = sorted(p.name for p in vault.iterdir()) if vault.exists() else []
    assert left == [], left


def test_discreet_mode_names_nothing_on_the_x_server(
    display: Display, tmp_path: Path, cli: Callable[..., object]
) -> None:
    """Issue 17, item 8: in discreet mode the window's title, its X class and instance name and
    its role never name the app (the class was ``DefenderDesk``)."""
    vault = tmp_path / "vault"
    made = cli(vault, ["init", "--json"], [PASSPHRASE])
    assert made.code == 0, made.err  # type: ignore[attr-defined]
    (vault / "settings.json").write_text('{"discreet": true}', encoding="utf-8")

    app = display.spawn(
        [sys.executable, "-m", "defender_desk.gui_main", "--vault-dir", str(vault), "--lang", "en"],
        "app.log",
    )

    def notes() -> str | None:
        return next(
            (
                w
                for w in display.search("--onlyvisible", "--name", "")
                if display.name_of(w) == "Notes"
            ),
            None,
        )

    display.wait_for(notes, "the unlock window named Notes")
    wid = notes()
    assert wid is not None
    props = subprocess.run(
        [
            "xprop",
            "-id",
            wid,
            "WM_CLASS",
            "WM_NAME",
            "_NET_WM_NAME",
            "WM_WINDOW_ROLE",
            "WM_ICON_NAME",
        ],
        env=display.env,
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    ).stdout
    assert "WM_CLASS" in props and "not found" not in props.split("WM_CLASS", 1)[1].splitlines()[0]
    assert "defender" not in props.lower(), props
    assert "desk" not in props.lower(), props
    app.terminate()
    app.wait(timeout=WAIT)
