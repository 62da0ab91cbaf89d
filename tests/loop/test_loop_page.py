"""The loop page (`leanos-lsp loop --format html`) rendered in headless
Chromium: the browser lays it out without error, the screenshot is not
blank and shows each role's colour, and the rendered SVG holds a box for
every thread of the report. Skipped, with the reason, when Chromium is not
installed (.ci/run installs Debian's `chromium`)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import server_binary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quillfeather"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium (`chromium`) on PATH: install Debian's chromium to render the loop page")


def headless(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple:
    out = tmp_path_factory.mktemp("loop") / "loop.html"
    run = subprocess.run(
        [server_binary(), "loop", str(EXAMPLE), "--format", "html", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(
        subprocess.run(
            [server_binary(), "loop", str(EXAMPLE), "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    return out, report


def test_the_rendered_svg_holds_every_thread(page):
    out, report = page
    dom = headless("--dump-dom", out.as_uri())
    assert dom.returncode == 0, dom.stderr
    # The DOM after parsing and layout: the inline SVG is there, with one
    # box per thread of the report and one per broken link.
    assert "<svg" in dom.stdout
    for thread in report["threads"]:
        assert f'data-path="{thread["path"]}"' in dom.stdout, thread["path"]
    breaks = sum(len(report[step]["broken"]) for step in (
        "sales_to_engineering", "engineering_to_marketing", "marketing_to_sales"))
    assert dom.stdout.count('class="missing"') == breaks == 3


def test_the_screenshot_is_not_blank(page, tmp_path):
    out, _ = page
    shot = tmp_path / "loop.png"
    run = headless(f"--screenshot={shot}", "--window-size=1400,1600", out.as_uri())
    assert shot.exists(), run.stderr
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "a flat or nearly flat screenshot"
    white = max(count for count, colour in colours if colour == (255, 255, 255))
    pixels = image.width * image.height
    assert white < 0.97 * pixels, "the screenshot is almost all white"
    # The role fills of the graph's boxes (analysis/loop_page.rs) are drawn.
    present = {colour for _, colour in colours}
    for role, fill in {
        "sales": (0xDB, 0xEA, 0xFE),
        "engineering": (0xDC, 0xFC, 0xE7),
        "marketing": (0xFF, 0xED, 0xD5),
    }.items():
        assert fill in present, f"no {role} box in the screenshot"
