"""Lock on screen lock and on suspend, through real D-Bus (issue 12, item 10).

The old tests called ``LockWatch``'s handlers directly; a wrong signal name, interface or
service would have passed them. Here two private ``dbus-daemon`` processes stand in for the
session bus and the system bus; a *real second process* owns the real service names
(``org.freedesktop.ScreenSaver``, ``org.gnome.ScreenSaver``, ``org.freedesktop.login1``) and
emits the real signals (``ActiveChanged``, ``PrepareForSleep``) as a desktop and logind do; the
app, a third process with ``LockWatch`` over a real unlocked vault, must lock. A ``Ping`` from
the same sender after each signal keeps the order deterministic (no sleeps): what the app has
done before it answers the ping is what the signals made it do.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASS, REPO

_SYSTEM_LIKE = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
"""

# The desktop side: owns the names and emits signals on command (one per stdin line).
_DESKTOP = """
import sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtDBus import QDBusConnection, QDBusMessage

app = QCoreApplication([])
session = QDBusConnection.connectToBus(sys.argv[1], "session")
system = QDBusConnection.connectToBus(sys.argv[2], "system")
assert session.isConnected() and system.isConnected()
for name in ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"):
    assert session.registerService(name), name
assert system.registerService("org.freedesktop.login1")
WHERE = {
    "freedesktop": (session, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
                    "ActiveChanged"),
    "gnome": (session, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged"),
    "sleep": (system, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
              "PrepareForSleep"),
    "ping-session": (session, "/dd/test", "dd.test", "Ping"),
    "ping-system": (system, "/dd/test", "dd.test", "Ping"),
}
print("owned", flush=True)
for line in sys.stdin:
    what, _, value = line.strip().partition(" ")
    bus, path, iface, name = WHERE[what]
    msg = QDBusMessage.createSignal(path, iface, name)
    if value:
        msg.setArguments([value == "true"])
    assert bus.send(msg)
    bus.interface()  # flush
    print("sent", what, flush=True)
"""

# The app side: the real LockWatch over a real unlocked vault; prints "locked" when it locks,
# and answers each Ping with whether the vault is still unlocked.
_APP = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import SLOT, QObject, Slot
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication
import defender_desk.ui  # the None-refcount workaround, before any Qt call
from defender_desk import settings
from defender_desk.app import Desk
from defender_desk.secret import Secret
from defender_desk.ui.locking import LockWatch

app = QApplication([])

class Host(QObject):
    # What LockWatch needs from the controller: the app, the settings, the window, the desk.
    def __init__(self):
        super().__init__()
        self.app, self.main_window = app, None
        self.settings = settings.Settings(auto_lock_minutes=240)
        self.desk = Desk(sys.argv[1])
        self.desk.create(Secret.from_text(sys.argv[2]))

    def lock(self):
        self.desk.lock()
        print("locked", flush=True)

host = Host()
watch = LockWatch(host)

class Pong(QObject):
    @Slot()
    def ping(self):
        print("pong", "unlocked" if host.desk.unlocked else "locked", flush=True)

pong = Pong()
for bus in (QDBusConnection.sessionBus(), QDBusConnection.systemBus()):
    assert bus.connect("", "/dd/test", "dd.test", "Ping", pong, SLOT("ping()"))
print("ready", watch.dbus_ok, flush=True)
app.exec()
"""


def _daemon(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        ["dbus-daemon", "--nofork", "--print-address=1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    ready, _w, _x = select.select([proc.stdout], [], [], 30)
    assert ready, "dbus-daemon did not start"
    return proc, proc.stdout.readline().strip()


@pytest.fixture
def buses(tmp_path: Path) -> Iterator[tuple[str, str]]:
    assert shutil.which("dbus-daemon"), "dbus-daemon is missing: apt-get install dbus"
    conf = tmp_path / "system-like.conf"
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    conf.write_text(_SYSTEM_LIKE.format(dir=sockets))
    session, session_addr = _daemon(["--session"])
    system, system_addr = _daemon([f"--config-file={conf}"])
    try:
        yield session_addr, system_addr
    finally:
        for proc in (session, system):
            proc.terminate()
            proc.communicate(timeout=30)


class Line:
    """A child process read line by line, with a deadline per line."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )

    def read(self, timeout: float = 60) -> str:
        assert self.proc.stdout is not None
        ready, _w, _x = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise AssertionError(f"no answer; stderr: {self._err()}")
        line = self.proc.stdout.readline().strip()
        if not line:
            raise AssertionError(f"it ended; stderr: {self._err()}")
        return line

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def _err(self) -> str:
        if self.proc.poll() is None:
            self.proc.kill()
        _out, err = self.proc.communicate()
        return err

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


@pytest.fixture
def pair(buses: tuple[str, str], tmp_path: Path) -> Iterator[tuple[Line, Line]]:
    session_addr, system_addr = buses
    env = {
        **os.environ,
        "DBUS_SESSION_BUS_ADDRESS": session_addr,
        "DBUS_SYSTEM_BUS_ADDRESS": system_addr,
    }
    desktop = Line([sys.executable, "-c", _DESKTOP, session_addr, system_addr], env)
    app = None
    try:
        assert desktop.read() == "owned"
        app = Line([sys.executable, "-c", _APP, str(tmp_path / "vault"), PASS], env)
        assert app.read() == "ready True"  # both subscriptions made
        yield desktop, app
    finally:
        desktop.close()
        if app is not None:
            app.close()


def _signal(desktop: Line, app: Line, what: str, value: str | None = None) -> None:
    desktop.send(f"{what} {value}" if value else what)
    assert desktop.read() == f"sent {what}"


def _ping(desktop: Line, app: Line, bus: str) -> str:
    _signal(desktop, app, f"ping-{bus}")
    return app.read()


@pytest.mark.parametrize("saver", ["freedesktop", "gnome"])
def test_screen_lock_locks_the_vault(pair: tuple[Line, Line], saver: str) -> None:
    desktop, app = pair
    _signal(desktop, app, saver, "false")  # the screen saver stops: nothing happens
    assert _ping(desktop, app, "session") == "pong unlocked"
    _signal(desktop, app, saver, "true")  # the screen is locked
    assert app.read() == "locked"
    assert _ping(desktop, app, "session") == "pong locked"


def test_suspend_locks_the_vault(pair: tuple[Line, Line]) -> None:
    desktop, app = pair
    _signal(desktop, app, "sleep", "false")  # waking up: nothing happens
    assert _ping(desktop, app, "system") == "pong unlocked"
    _signal(desktop, app, "sleep", "true")  # about to sleep
    assert app.read() == "locked"
    assert _ping(desktop, app, "system") == "pong locked"


def test_the_same_signal_from_a_process_that_does_not_own_the_name_is_ignored(
    pair: tuple[Line, Line], buses: tuple[str, str]
) -> None:
    """dbus-send emits the very signal, but not as the screen saver's owner: no lock."""
    desktop, app = pair
    session_addr, system_addr = buses
    for addr, path, member in (
        (session_addr, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged"),
        (system_addr, "/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep"),
    ):
        subprocess.run(
            ["dbus-send", f"--bus={addr}", "--type=signal", path, member, "boolean:true"],
            check=True,
            timeout=30,
        )
    assert _ping(desktop, app, "session") == "pong unlocked"
    assert _ping(desktop, app, "system") == "pong unlocked"
