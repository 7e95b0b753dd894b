"""Every writer goes through journeymap.output: inputs are never overwritten, links and devices
are written through, permissions are kept, bad paths are refused before any work."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, tiny_journey_text

from journeymap.exceptions import UsageError
from journeymap.output import check_output, write_output


@pytest.fixture
def journey(tmp_path: Path) -> Path:
    path = tmp_path / "j.yaml"
    path.write_text(tiny_journey_text(), encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journeymap", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_output_that_is_the_input_is_refused(journey: Path) -> None:
    with pytest.raises(UsageError) as info:
        write_output(journey, b"x", inputs=[journey])
    assert str(info.value) == (
        f"cannot write {str(journey)!r}: it is the input {str(journey)!r}, which would be "
        "overwritten; choose another output file"
    )
    assert info.value.parameter == "output"
    assert journey.read_text() == tiny_journey_text()


def test_input_reached_through_another_path_or_link_is_refused(journey: Path) -> None:
    other = journey.parent / "sub" / ".." / journey.name
    (journey.parent / "sub").mkdir()
    link = journey.parent / "link.json"
    link.symlink_to(journey)
    for path in (other, link):
        with pytest.raises(UsageError, match="it is the input"):
            write_output(path, b"x", inputs=[journey])
    assert journey.read_text() == tiny_journey_text()


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "{j}", "-o", "{j}"],
        ["analyze", "{j}", "--format", "json", "-o", "{j}"],
        ["report", "{j}", "-o", "{j}", "--engine", "none"],
        ["render", "{j}", "-o", "{dot}"],
        ["schema", "-o", "{j}"],
        ["analyze", "{j}", "-o", "{other_yaml}"],
    ],
)
def test_cli_never_overwrites_a_journey(journey: Path, args: list[str]) -> None:
    other_yaml = journey.parent / "other.yml"
    other_yaml.write_text("journeymap: 1\n")
    dot = journey.with_suffix(".dot")
    dot.symlink_to(journey)
    before = journey.read_bytes(), other_yaml.read_bytes()
    proc = run(*(a.format(j=journey, dot=dot, other_yaml=other_yaml) for a in args))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") <= 4
    assert (journey.read_bytes(), other_yaml.read_bytes()) == before


def test_symlink_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert write_output(link, b"new") == target
    assert link.is_symlink()
    assert target.read_text() == "new"


def test_existing_permissions_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "private.json"
    out.write_text("old")
    out.chmod(0o600)
    write_output(out, b"new")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text() == "new"


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_output(tmp_path / "new.json", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_device_is_written_in_place() -> None:
    before = os.stat("/dev/null")
    assert write_output("/dev/null", b"discarded") == Path("/dev/null")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (before.st_ino, before.st_rdev) == (after.st_ino, after.st_rdev)


def test_bad_output_paths_are_usage_errors(tmp_path: Path) -> None:
    cases = {
        tmp_path / "missing" / "x.json": "the folder",
        tmp_path: "it is a folder",
        tmp_path / ("x" * 300 + ".json"): "the file name is longer than",
    }
    for path, words in cases.items():
        with pytest.raises(UsageError, match=words):
            check_output(path)


def test_read_only_folder_is_a_usage_error_and_leaves_nothing(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(UsageError, match="not writable"):
            write_output(folder / "x.json", b"x")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_cli_missing_folder_and_read_only_exit_2(journey: Path, tmp_path: Path) -> None:
    for args in (
        ["analyze", str(journey), "-o", str(tmp_path / "nodir" / "x.json")],
        ["schema", "-o", str(tmp_path / "nodir" / "s.json")],
    ):
        proc = run(*args)
        assert proc.returncode == 2
        assert "does not exist" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_render_and_report_write_through_links_and_devices(journey: Path) -> None:
    folder = journey.parent
    for command, name in (("render", "map.svg"), ("render", "map.dot"), ("report", "r.html")):
        target = folder / f"real-{name}"
        target.write_text("old")
        target.chmod(0o600)
        link = folder / name
        link.symlink_to(target)
        extra = ["--engine", "none"] if command == "report" else []
        proc = run(command, str(journey), "-o", str(link), *extra)
        assert proc.returncode == 0, proc.stderr
        assert link.is_symlink()
        assert target.read_text() != "old"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    proc = run("render", str(journey), "-o", "/dev/null", "--engine", "auto")
    assert proc.returncode == 2  # no suffix: the format cannot be known
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
