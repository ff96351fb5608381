"""The packaging tests: desktop metadata always; the PyInstaller bundle's smoke test only with
``--run-bundle`` (it first builds dist/defender-desk-<version>-linux-<arch>.tar.gz with
packaging/build.py when dist/ has none or it is older than the sources: a few minutes).

    .venv/bin/pytest tests/packaging --run-bundle -q
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-bundle",
        action="store_true",
        default=False,
        help="smoke-test the PyInstaller bundle (built by packaging/build.py if dist/ has none)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-bundle", default=False):
        return
    skip = pytest.mark.skip(reason="the bundle smoke test runs with --run-bundle")
    for item in items:
        if item.get_closest_marker("bundle") is not None:
            item.add_marker(skip)


def project_version() -> str:
    with open(REPO / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def newest_source() -> float:
    """The newest modification time among what goes into the bundle: a tarball older than
    this is rebuilt rather than tested."""
    paths = [REPO / "pyproject.toml", REPO / "LICENSE", *REPO.glob("requirements/*.lock")]
    for folder in (REPO / "src", REPO / "packaging"):
        paths += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return max(p.stat().st_mtime for p in paths if p.exists())


@dataclass(frozen=True)
class Bundle:
    root: Path  # the unpacked folder: defender-desk, defender-desk-cli, _internal/, share/
    tarball: Path

    @property
    def gui(self) -> Path:
        return self.root / "defender-desk"

    @property
    def cli(self) -> Path:
        return self.root / "defender-desk-cli"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    """The release tarball from dist/ (built now if missing or stale), checked against
    dist/SHA256SUMS and unpacked into a temporary folder."""
    name = f"defender-desk-{project_version()}-linux-{platform.machine()}"
    tarball = REPO / "dist" / f"{name}.tar.gz"
    if not tarball.exists() or tarball.stat().st_mtime < newest_source():
        subprocess.run([sys.executable, str(REPO / "packaging" / "build.py")], check=True, cwd=REPO)
    assert tarball.exists(), "packaging/build.py did not produce the tarball"
    sums = (REPO / "dist" / "SHA256SUMS").read_text().split()
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    assert [digest, tarball.name] == sums[:2], "dist/SHA256SUMS does not match the tarball"
    where = tmp_path_factory.mktemp("bundle")
    subprocess.run(["tar", "-xzf", str(tarball), "-C", str(where)], check=True)
    root = where / name
    assert root.is_dir(), sorted(os.listdir(where))
    yield Bundle(root=root, tarball=tarball)
