"""The vault's CLI contract end to end, through real subprocesses and --passphrase-fd."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from defender_desk.vault import keyslots
from tests.conftest import PASS, REPO


def test_init_status_passwd_recover(cli, made_vault):
    vault, code = made_vault
    assert (vault / "vault.key").stat().st_size == keyslots.HEADER_LEN
    assert oct((vault / "vault.key").stat().st_mode & 0o777) == "0o600"
    assert oct(vault.stat().st_mode & 0o777) == "0o700"

    r = cli(vault, ["status", "--json"], [PASS])
    assert r.code == 0, r.err
    status = json.loads(r.out)
    assert status["path"] == str(vault)
    assert status["format_version"] == keyslots.VERSION == 2
    assert status["kdf"]["algorithm"] == "argon2id"
    assert status["header_generation"] == 1
    assert "weaker than the recommended minimum" in r.err  # cheap test KDF warns on every unlock

    r = cli(vault, ["passwd"], [PASS, "new pass", "new pass"])
    assert r.code == 0, r.err
    assert cli(vault, ["status"], [PASS]).code == 3
    assert cli(vault, ["status"], ["new pass"]).code == 0

    spaced = code.replace("-", " ")
    r = cli(vault, ["recover"], [spaced, "third pass"])
    assert r.code == 0, r.err
    assert cli(vault, ["status"], ["new pass"]).code == 3
    r = cli(vault, ["status", "--json"], ["third pass"])
    assert r.code == 0
    assert json.loads(r.out)["header_generation"] == 3

    r = cli(vault, ["check", "--json"], ["third pass"])
    assert r.code == 0
    assert json.loads(r.out) == {"ok": True, "problems": []}


def test_init_human_output_shows_code_once(cli, vault_dir):
    r = cli(vault_dir, ["init"], [PASS, PASS])
    assert r.code == 0, r.err
    assert "shown only this once" in r.out
    # nothing in the folder holds the code
    code_line = next(line.strip() for line in r.out.splitlines() if line.count("-") == 7)
    digits = code_line.replace("-", "").encode()
    for f in vault_dir.rglob("*"):
        if f.is_file():
            assert digits not in f.read_bytes()


def test_repeated_new_passphrase_must_match(cli, vault_dir):
    r = cli(vault_dir, ["init"], [PASS, PASS + "x"])
    assert r.code == 3
    assert "do not match" in r.err
    assert not vault_dir.exists() or not any(vault_dir.iterdir())


def test_messages_are_translated(cli, vault_dir, made_vault):
    vault, _code = made_vault
    r = cli(vault, ["status"], ["wrong"], lang="ru")
    assert r.code == 3
    assert "неверная парольная фраза" in r.err.lower()
    r = cli(vault, ["status"], ["wrong"], lang="kk")
    assert r.code == 3
    assert "құпия фраза" in r.err.lower()


def test_usage_error_exits_2(cli, vault_dir):
    assert cli(vault_dir, ["no-such-command"]).code == 2


def test_core_and_cli_never_import_qt(made_vault):
    vault, _ = made_vault
    script = (
        "import sys, os\n"
        "import defender_desk, defender_desk.app, defender_desk.cli, defender_desk.vault.store\n"
        f"r, w = os.pipe(); os.write(w, bytes.fromhex({PASS.encode().hex()!r}) + b'\\n')\n"
        "os.close(w)\n"
        "from defender_desk.cli import main\n"
        f"code = main(['--vault-dir', {str(vault)!r}, '--passphrase-fd', str(r), 'status'])\n"
        "assert code == 0, code\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt'))]\n"
        "assert not bad, bad\n"
        "print('clean')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "clean" in proc.stdout


def test_python_dash_m_and_console_script_agree(vault_dir):
    exe = Path(sys.executable).parent / "defender-desk-cli"
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "init" in proc.stdout and "recover" in proc.stdout
