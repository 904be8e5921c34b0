"""The two commands bring their own Debian packages: as root they install them, otherwise they stop
before anything else with the one apt-get line to run (deploy/debian-packages, called by the Makefile)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "deploy" / "debian-packages"
MISSING = "sessie-app-no-such-package"


def dry_run(target: str) -> list[str]:
    """What `make TARGET` would run on a machine where nothing is set up yet (-B: every target out of date)."""
    done = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def packages_line(lines: list[str]) -> str:
    (line,) = [line for line in lines if "deploy/debian-packages" in line]
    return line


def test_make_test_checks_every_package_the_tests_need_before_it_installs_anything():
    lines = dry_run("test")
    line = packages_line(lines)
    for package in ("chromium", "libzbar0", "poppler-utils", "libharfbuzz-subset0", "fonts-noto-color-emoji"):
        assert f" {package}" in line, line
    first_install = next(
        i for i, text in enumerate(lines) if text.startswith(("test -x .venv", "npm ci", ".venv/bin/pip"))
    )
    assert lines.index(line) < first_install, lines


def test_make_run_checks_the_packages_the_app_needs_and_not_the_test_browser():
    line = packages_line(dry_run("run"))
    assert " libpango-1.0-0" in line and " libharfbuzz-subset0" in line and " fonts-dejavu-core" in line
    assert "chromium" not in line and "poppler" not in line


@pytest.fixture
def as_someone_else():
    """Run the script as an ordinary user, from a folder that user may read (pytest's own are root's only)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs root and runuser to act as an ordinary user")
    folder = Path(tempfile.mkdtemp(prefix="sessie-packages-"))
    folder.chmod(0o755)
    shutil.copy(SCRIPT, folder / SCRIPT.name)

    def run(*packages: str) -> subprocess.CompletedProcess:
        command = ["runuser", "-u", "nobody", "--", str(folder / SCRIPT.name), *packages]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    yield run
    shutil.rmtree(folder)


def test_without_root_a_missing_package_stops_with_the_one_line_to_run(as_someone_else):
    done = as_someone_else("dpkg", MISSING)
    assert done.returncode == 1
    assert [line.strip() for line in done.stdout.splitlines() if "apt-get" in line] == [f"apt-get install -y {MISSING}"]


def test_without_root_nothing_is_said_when_everything_is_there(as_someone_else):
    done = as_someone_else("dpkg")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
