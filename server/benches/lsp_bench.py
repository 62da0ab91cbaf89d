#!/usr/bin/env python3
"""Whole-process LSP benchmark, from a separate client process (stdlib only).

leanos-lsp:  spawn -> initialize -> index ready ($/progress end) -> every
             file's diagnostics published; then didChange -> republished
             diagnostics latency for an open thread file (p50/p99, with the
             server's 50 ms debounce reported separately); peak RSS (VmHWM).
peer mode:   spawn -> initialize -> first non-empty textDocument/definition
             on a markdown link ("ready"), then definition latency p50/p99
             and peak RSS, for servers such as iwes.

Usage:
  lsp_bench.py leanos SERVER WORKSPACE [--edits N]
  lsp_bench.py peer SERVER WORKSPACE [--requests N] [-- ARGS...]
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

DEBOUNCE_MS = 50.0


class Connection:
    def __init__(self, command, cwd):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.decode().strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            # Arrival is when the last byte is read, before parsing.
            at = time.perf_counter()
            self.inbox.put((at, json.loads(body)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return request_id

    def messages(self, timeout=120.0):
        """Yields (time, message), answering the server's own requests."""
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("no message in time")
            at, message = self.inbox.get(timeout=remaining)
            if "method" in message and "id" in message:
                result = [{}] if message["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            yield at, message

    def wait_response(self, request_id):
        for at, message in self.messages():
            if message.get("id") == request_id and "method" not in message:
                return at, message

    def peak_rss_mb(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        try:
            request_id = self.request("shutdown", None)
            self.wait_response(request_id)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def initialize(conn, root, capabilities):
    request_id = conn.request(
        "initialize",
        {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities,
         "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]},
    )
    at, _ = conn.wait_response(request_id)
    conn.notify("initialized", {})
    return at


def bench_leanos(server, root, edits):
    expected = json.loads(subprocess.run(
        [server, "check", str(root), "--format", "json"], capture_output=True, text=True
    ).stdout)
    expected_files = {(root / d["path"]).as_uri() for d in expected}
    conn = Connection([server], root)
    capabilities = {"window": {"workDoneProgress": True},
                    "general": {"positionEncodings": ["utf-16"]}}
    t_init = initialize(conn, root, capabilities) - conn.started
    t_ready = None
    published = set()
    for at, message in conn.messages():
        if message.get("method") == "$/progress" and message["params"]["value"].get("kind") == "end":
            t_ready = at - conn.started
        if message.get("method") == "textDocument/publishDiagnostics":
            if message["params"]["diagnostics"]:
                published.add(message["params"]["uri"])
            if published >= expected_files:
                t_all = at - conn.started
                break
    rss_ready = conn.peak_rss_mb()

    path = root / "threads/sales/t8/2-hypothesis.md"
    text = path.read_text()
    uri = path.as_uri()
    conn.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    lines = text.split("\n")
    line = next(i for i, l in enumerate(lines) if l.startswith("Tests: A"))
    start = len("Tests: ")
    end = start + len(lines[line][start:].split(" ")[0])
    original = lines[line][start:end]
    latencies = []
    for version in range(2, edits + 2):
        replacement = "A999" if version % 2 == 0 else original
        current_end = start + (len(original) if version % 2 == 0 else len("A999"))
        sent = time.perf_counter()
        conn.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": start},
                                          "end": {"line": line, "character": current_end}},
                                "text": replacement}]})
        for at, message in conn.messages():
            params = message.get("params") or {}
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri and params.get("version") == version:
                latencies.append((at - sent) * 1000)
                break
    # Navigation requests on `Tests: A1` (cited by 1,000 files) in a
    # hypothesis, each timed from send to response, once the last edit's
    # background diagnostics are done (they take about 25 ms).
    time.sleep(0.5)
    rss_edits = conn.peak_rss_mb()
    cited = root / "threads/engineering/t10/2-hypothesis.md"
    cited_lines = cited.read_text().split("\n")
    cited_line = next(i for i, l in enumerate(cited_lines) if l.startswith("Tests: A1 -"))
    cited_uri = cited.as_uri()
    at = {"textDocument": {"uri": cited_uri}, "position": {"line": cited_line, "character": 8}}
    # A thread name of this workspace: t1234 at 10,000 threads, t123 below.
    symbol_query = "t1234" if any(root.glob("threads/*/t1234")) else "t123"
    requests = {
        "definition": ("textDocument/definition", at),
        "references (A1, 1,000 files)": ("textDocument/references", {**at, "context": {"includeDeclaration": True}}),
        "hover": ("textDocument/hover", at),
        "completion after `Tests: `": ("textDocument/completion", {"textDocument": {"uri": cited_uri}, "position": {"line": cited_line, "character": 7}}),
        "workspace symbol": ("workspace/symbol", {"query": symbol_query}),
    }
    timings = {}
    for label, (method, params) in requests.items():
        times = []
        for _ in range(edits * 5):
            sent = time.perf_counter()
            # Until the response's last byte is read (the client's own
            # JSON parsing left out, as for the publications above).
            at, response = conn.wait_response(conn.request(method, params))
            times.append((at - sent) * 1000)
            if response.get("result") in (None, []):
                raise RuntimeError(f"{method} answered {response}")
        timings[label] = times
    rss = conn.peak_rss_mb()
    conn.close()
    print(f"files with diagnostics: {len(expected_files)}")
    print(f"initialize response:          {t_init * 1000:8.0f} ms")
    print(f"index ready ($/progress end): {t_ready * 1000:8.0f} ms")
    print(f"all diagnostics published:    {t_all * 1000:8.0f} ms")
    print(f"peak RSS at ready:            {rss_ready:8.0f} MB")
    print(f"peak RSS after edits:         {rss_edits:8.0f} MB")
    print(f"peak RSS after requests:      {rss:8.0f} MB")
    print(f"didChange -> publish ({len(latencies)} edits): p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms "
          f"(includes the {DEBOUNCE_MS:.0f} ms debounce: p50 {percentile(latencies, 50) - DEBOUNCE_MS:.1f} ms, p99 {percentile(latencies, 99) - DEBOUNCE_MS:.1f} ms without)")
    for label, times in timings.items():
        print(f"{label + ' (' + str(len(times)) + ')':40} p50 {percentile(times, 50):7.2f} ms, p99 {percentile(times, 99):7.2f} ms")


def bench_peer(command, root, requests):
    conn = Connection(command, root)
    capabilities = {"textDocument": {"definition": {"linkSupport": False}}}
    t_init = initialize(conn, root, capabilities) - conn.started
    path = root / "threads/sales/t8/1-input.md"
    text = "# Stage 1\n\nSee [next](../../marketing/t9/1-input.md).\n"
    uri = path.as_uri()
    conn.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    params = {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 6}}
    t_ready = None
    while t_ready is None:
        request_id = conn.request("textDocument/definition", params)
        at, message = conn.wait_response(request_id)
        if message.get("result"):
            t_ready = at - conn.started
        elif time.perf_counter() - conn.started > 120:
            raise TimeoutError("definition never answered")
    latencies = []
    for _ in range(requests):
        sent = time.perf_counter()
        request_id = conn.request("textDocument/definition", params)
        at, _ = conn.wait_response(request_id)
        latencies.append((at - sent) * 1000)
    rss = conn.peak_rss_mb()
    conn.close()
    print(f"initialize response:      {t_init * 1000:8.0f} ms")
    print(f"ready (first definition): {t_ready * 1000:8.0f} ms")
    print(f"definition ({requests}): p50 {percentile(latencies, 50):.2f} ms, p99 {percentile(latencies, 99):.2f} ms")
    print(f"peak RSS:                 {rss:8.0f} MB")


def main(argv):
    if len(argv) < 4 or argv[1] not in ("leanos", "peer"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, server, root = argv[1], argv[2], Path(argv[3]).resolve()
    count = 40
    extra = []
    rest = argv[4:]
    if "--" in rest:
        extra = rest[rest.index("--") + 1:]
        rest = rest[:rest.index("--")]
    if len(rest) >= 2 and rest[0] in ("--edits", "--requests"):
        count = int(rest[1])
    if mode == "leanos":
        bench_leanos(server, root, count)
    else:
        bench_peer([server, *extra], root, count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
