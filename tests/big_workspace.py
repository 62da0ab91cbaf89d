"""A generated LeanOS workspace big enough that the server's first scan
takes a few hundred milliseconds, for the "definition the moment the client
attaches" tests of every real-client suite (pytest-lsp, Neovim, Emacs).

`generate(root)` writes `strategy/canvas/10-assumptions.md` with entries
`### A1: …` … `### A<ASSUMPTIONS>: …` and THREADS threads
`threads/sales/t0001/` … each with `1-input.md` (prose and a list of links), `2-hypothesis.md` (citing
`Tests: A<n> - …`) and `meta.json`. Run as a script to time `leanos-lsp
check` on it: `python big_workspace.py <server-binary>`.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THREADS = 3000
ASSUMPTIONS = 300

# Where the tests ask: `Tests: A1 - …` is line 2 (0-based) of this file,
# and character 8 is on `A1`.
QUERY_FILE = "threads/sales/t0001/2-hypothesis.md"
QUERY_LINE, QUERY_CHARACTER = 2, 8
# Where the answer must be: `### A1: …` is line 2 of the canvas section;
# the ID starts at character 4.
TARGET_FILE = "strategy/canvas/10-assumptions.md"
TARGET_LINE, TARGET_CHARACTER = 2, 4


# Stage 1 of every thread: some prose and a list linking to the Canvas, so
# that reading and parsing (not just walking) takes part of the scan.
INPUT = "# Stage 1: Input\n\nLead {i} asked for a white-label demo.\n\n## Context\n\n" + "".join(
    f"- Signal {k}: the buyer mentioned [the canvas](../../../strategy/canvas/10-assumptions.md) and `pricing`.\n"
    for k in range(20)
)


def title(n: int) -> str:
    return f"Buyers in segment {n} prefer white-label"


def generate(root: Path) -> Path:
    """Writes the workspace under `root` (created) and returns `root`."""
    canvas = root / "strategy" / "canvas"
    canvas.mkdir(parents=True)
    entries = ["# Assumptions\n"]
    for n in range(1, ASSUMPTIONS + 1):
        entries.append(f"### A{n}: {title(n)}\n**Status:** 🧪 TESTING\n**Confidence:** 50%\n")
    (canvas / "10-assumptions.md").write_text("\n".join(entries), encoding="utf-8")
    for i in range(1, THREADS + 1):
        n = (i - 1) % ASSUMPTIONS + 1
        thread = root / "threads" / "sales" / f"t{i:04d}"
        thread.mkdir(parents=True)
        (thread / "1-input.md").write_text(INPUT.format(i=i), encoding="utf-8")
        (thread / "2-hypothesis.md").write_text(
            f"# Stage 2: Hypothesis\n\nTests: A{n} - {title(n)}\n", encoding="utf-8"
        )
        meta = {"type": "sales", "source": "outbound", "stage": 2, "canvas_assumptions": [f"A{n}"]}
        (thread / "meta.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")
    return root


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "big")
        start = time.monotonic()
        done = subprocess.run([sys.argv[1], "check", str(root)], capture_output=True, text=True)
        elapsed = time.monotonic() - start
        print(done.stdout.splitlines()[-1] if done.stdout else done.stderr)
        print(f"leanos-lsp check: {elapsed * 1000:.0f} ms for {THREADS} threads")
