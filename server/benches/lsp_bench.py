#!/usr/bin/env python3
"""Whole-process LSP benchmark, from a separate client process (stdlib only).

leanos-lsp:  spawn -> initialize -> index ready ($/progress end) -> every
             file's diagnostics published; then didChange -> republished
             diagnostics latency for an open thread file (p50/p99, with the
             server's 50 ms debounce reported separately); peak RSS (VmHWM).
first mode:  time to first correct answer: right after `initialized`, a
             client opens a hypothesis citing A1 and asks
             textDocument/definition on `Tests: A1` every 20 ms until an
             answer lands on A1's entry in strategy/canvas/10-assumptions.md;
             counts wrong answers (null, empty, elsewhere) and errors,
             matching responses by id (a server that holds requests until its
             index is ready answers them all at once, in any order), and
             reports first correct answer minus index ready ($/progress end).
             --runs N spawns N servers one after the other; --closed sends
             no didOpen (the file is known from the scan only; --open, the
             default, opens it).
keystroke:   once every diagnostic is published (`leanos/settled`), opens
             FILE (default the Canvas assumptions section) and types into
             it: each edit inserts or deletes one character at the end of
             the first entry heading line after the file's first third
             (`### A…: title`; else of its first line with text after
             that third), then waits for the file's publication of
             that version and for `leanos/settled`. Reports didChange ->
             publication (or, for a file without diagnostics, which gets
             none, -> settled; `leanos/settled` cuts the debounce short,
             so this is server work plus the client's reading), the server's CPU time
             per keystroke (user + system, /proc, summed over the edits and
             everything each one set off, the debounce's idle wait aside),
             and how many other files each keystroke republished.
storm mode:  once settled, rewrites N hypothesis files on disk at once (a
             branch switch; default 2,000), each citing an unknown `A999`,
             and reports the time from the last write until every one has
             published it, and whether the server's diagnostics of those
             files then equal `check`'s; the files are written back after.
             The server watches the root itself unless --client-watches
             (then the client reports the changes, as VS Code does).
peer mode:   spawn -> initialize -> first non-empty textDocument/definition
             on a markdown link ("ready"), then definition latency p50/p99
             and peak RSS, for servers such as iwes. --link TARGET sets the
             link's target (default ../../marketing/t9/1-input.md, relative
             to the file; markdown-oxide resolves only links from the root:
             --link threads/marketing/t9/1-input.md).

--log FILE runs the server with LEANOS_LOG=debug, its stderr going to FILE,
and prints when its log shows the scan's steps (watcher registered, walk,
read + lower + build, diagnostics computed and published), from the spawn.
--client-watches declares workspace.didChangeWatchedFiles.dynamicRegistration,
as VS Code does (by default the client declares no watching, as Neovim 0.11
on Linux, so a server that can watches the root itself).

Usage:
  lsp_bench.py leanos SERVER WORKSPACE [--edits N] [--log FILE] [--client-watches]
  lsp_bench.py first SERVER WORKSPACE [--runs N] [--open | --closed] [--log FILE] [--client-watches]
  lsp_bench.py keystroke SERVER WORKSPACE [--edits N] [--file PATH] [--log FILE]
  lsp_bench.py storm SERVER WORKSPACE [--files N] [--log FILE] [--client-watches]
  lsp_bench.py peer SERVER WORKSPACE [--requests N] [--link TARGET] [-- ARGS...]
"""

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

DEBOUNCE_MS = 50.0


class Connection:
    def __init__(self, command, cwd, log=None):
        env = None
        stderr = subprocess.DEVNULL
        if log is not None:
            env = {**os.environ, "LEANOS_LOG": "debug"}
            stderr = open(log, "wb")
        self.started = time.perf_counter()
        self.started_epoch = time.time()  # to place the server's log lines
        self.proc = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env
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
            self._answer(message)
            yield at, message

    def poll(self, timeout):
        """(time, message) or None after `timeout` seconds, answering the
        server's own requests."""
        try:
            at, message = self.inbox.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        self._answer(message)
        return at, message

    def _answer(self, message):
        if "method" in message and "id" in message:
            result = [{}] if message["method"] == "workspace/configuration" else None
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

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


def say(line):
    print(line, flush=True)


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def leanos_capabilities(client_watches):
    capabilities = {"window": {"workDoneProgress": True},
                    "general": {"positionEncodings": ["utf-16"]}}
    if client_watches:
        capabilities["workspace"] = {"didChangeWatchedFiles": {"dynamicRegistration": True}}
    return capabilities


def initialize(conn, root, capabilities):
    request_id = conn.request(
        "initialize",
        {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities,
         "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}]},
    )
    at, _ = conn.wait_response(request_id)
    conn.notify("initialized", {})
    return at


def bench_leanos(server, root, edits, log=None, client_watches=False):
    expected = json.loads(subprocess.run(
        [server, "check", str(root), "--format", "json"], capture_output=True, text=True
    ).stdout)
    expected_files = {(root / d["path"]).as_uri() for d in expected}
    conn = Connection([server], root, log)
    capabilities = leanos_capabilities(client_watches)
    t_init = initialize(conn, root, capabilities) - conn.started
    # Both are awaited: a scan's first publications may come before its
    # progress ends.
    t_ready = t_all = None
    published = set()
    for at, message in conn.messages():
        if message.get("method") == "$/progress" and message["params"]["value"].get("kind") == "end":
            t_ready = at - conn.started
        if message.get("method") == "textDocument/publishDiagnostics" and t_all is None:
            if message["params"]["diagnostics"]:
                published.add(message["params"]["uri"])
            if published >= expected_files:
                t_all = at - conn.started
        if t_ready is not None and t_all is not None:
            break
    rss_ready = conn.peak_rss_mb()
    # Each figure is printed as soon as it is measured (flushed), so a run
    # that fails later (a timeout) still reports what it got.
    say(f"files with diagnostics: {len(expected_files)}")
    say(f"initialize response:          {t_init * 1000:8.0f} ms")
    say(f"index ready ($/progress end): {t_ready * 1000:8.0f} ms")
    say(f"all diagnostics published:    {t_all * 1000:8.0f} ms")
    say(f"peak RSS at ready:            {rss_ready:8.0f} MB")

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
    say(f"didChange -> publish ({len(latencies)} edits): p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms "
        f"(includes the {DEBOUNCE_MS:.0f} ms debounce: p50 {percentile(latencies, 50) - DEBOUNCE_MS:.1f} ms, p99 {percentile(latencies, 99) - DEBOUNCE_MS:.1f} ms without)")
    # Navigation requests on `Tests: A1` (cited by 1,000 files) in a
    # hypothesis, each timed from send to response, once the last edit's
    # background diagnostics are done (they take about 25 ms).
    time.sleep(0.5)
    rss_edits = conn.peak_rss_mb()
    say(f"peak RSS after edits:         {rss_edits:8.0f} MB")
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
        say(f"{label + ' (' + str(len(times)) + ')':40} p50 {percentile(times, 50):7.2f} ms, p99 {percentile(times, 99):7.2f} ms")
    rss = conn.peak_rss_mb()
    say(f"peak RSS after requests:      {rss:8.0f} MB")
    conn.close()
    if log is not None:
        print_phases(log, conn.started_epoch)


def print_phases(log, spawned):
    """The scan's steps in the server's debug log (the first line of each
    kind, so the scan's, not an edit's), in ms from the spawn (`spawned`,
    seconds since the epoch)."""
    lines = Path(log).read_text(errors="replace").splitlines()
    for pattern in (r"watching ", r"walked ", r"read(,| and) lowered", r"indexed \d+ files",
                    r"diagnostics computed files=\d{3,}", r"diagnostics published sent=\d{3,}"):
        line = next((l for l in lines if re.search(pattern, l)), None)
        if line is not None:
            at = datetime.fromisoformat(line.split()[0]).timestamp()
            print(f"  server log +{(at - spawned) * 1000:5.0f} ms: {line.split(': ', 1)[-1]}")


def a1_entry_line(root):
    """The 0-based line of A1's entry in the Canvas assumptions section (a
    heading `### A1: ...` or a table row `| A1 | ...`)."""
    lines = (root / "strategy/canvas/10-assumptions.md").read_text().split("\n")
    return next(i for i, l in enumerate(lines)
                if re.match(r"#+\s+A1\b", l) or re.match(r"\|\s*A1\s*\|", l))


def a1_citing_hypothesis(root):
    """The hypothesis citing A1 that the leanos mode asks about, and the
    0-based line of its `Tests: A1 - ...`."""
    path = root / "threads/engineering/t10/2-hypothesis.md"
    lines = path.read_text().split("\n")
    return path, next(i for i, l in enumerate(lines) if l.startswith("Tests: A1 -"))


def first_correct_answer(server, root, open_document=True, log=None, client_watches=False):
    """One fresh server: definition on `Tests: A1` every 20 ms from
    `initialized` until an answer is correct; see the module docstring."""
    target_uri = (root / "strategy/canvas/10-assumptions.md").as_uri()
    target_line = a1_entry_line(root)
    path, line = a1_citing_hypothesis(root)
    uri = path.as_uri()
    params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 8}}
    conn = Connection([server], root, log)
    capabilities = leanos_capabilities(client_watches)
    initialize(conn, root, capabilities)
    if open_document:
        conn.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": path.read_text()}})
    sent = set()  # request ids
    answers = []  # (id, time answered, verdict)
    progress_end = status_ready = None
    first_correct = None
    outstanding_max = 0
    deadline = time.perf_counter() + 120

    def verdict(message):
        if "error" in message:
            return "error"
        result = message.get("result")
        if not result:
            return "wrong"
        if isinstance(result, dict):
            result = [result]
        for location in result:
            location_uri = location.get("targetUri", location.get("uri"))
            selection = location.get("targetSelectionRange", location.get("range"))
            if location_uri == target_uri and selection["start"]["line"] == target_line:
                return "correct"
        return "wrong"

    def handle(at, message):
        nonlocal progress_end, status_ready, first_correct
        method = message.get("method")
        if method == "$/progress" and message["params"]["value"].get("kind") == "end" and progress_end is None:
            progress_end = at - conn.started
        elif method == "leanos/status" and message["params"].get("state") == "ready" and status_ready is None:
            status_ready = at - conn.started
        elif "method" not in message and message.get("id") in sent:
            v = verdict(message)
            answers.append((message["id"], at - conn.started, v))
            if v == "correct" and first_correct is None:
                first_correct = at - conn.started

    next_send = time.perf_counter()
    while first_correct is None:
        now = time.perf_counter()
        if now > deadline:
            raise TimeoutError("no correct definition within 120 s")
        if now >= next_send:
            sent.add(conn.request("textDocument/definition", params))
            next_send += 0.020
            outstanding_max = max(outstanding_max, len(sent) - len(answers))
            continue
        polled = conn.poll(next_send - now)
        if polled:
            handle(*polled)
    # Every request answered and the progress ended (the index's ready
    # signal: the client asked for progress).
    while (len(answers) < len(sent) or progress_end is None) and time.perf_counter() < deadline:
        polled = conn.poll(deadline - time.perf_counter())
        if polled:
            handle(*polled)
    conn.close()
    if progress_end is None:
        raise TimeoutError("no $/progress end within 120 s")
    counts = {v: sum(1 for a in answers if a[2] == v) for v in ("correct", "wrong", "error")}
    return {
        "spawned": conn.started_epoch, "sent": len(sent), "answered": len(answers), **counts,
        "outstanding_max": outstanding_max,
        "first_answer": min(a[1] for a in answers) * 1000,
        "first_correct": first_correct * 1000,
        "ready": progress_end * 1000,
        # The first `leanos/status` ready (7c82876 sent one for the open
        # document long before its scan was done).
        "status_ready": status_ready * 1000 if status_ready is not None else float("nan"),
        "delta": (first_correct - progress_end) * 1000,
    }


def bench_first(server, root, runs, open_document=True, log=None, client_watches=False):
    path, line = a1_citing_hypothesis(root)
    print(f"definition on {path.relative_to(root)} line {line + 1} `Tests: A1`, every 20 ms from initialized "
          f"({'open' if open_document else 'closed'} document{', client watches files' if client_watches else ''}); correct = "
          f"strategy/canvas/10-assumptions.md line {a1_entry_line(root) + 1}")
    results = []
    for run in range(runs):
        r = first_correct_answer(server, root, open_document, log, client_watches)
        results.append(r)
        print(f"run {run + 1}: {r['sent']} sent, {r['answered']} answered ({r['correct']} correct, "
              f"{r['wrong']} wrong, {r['error']} errors; at most {r['outstanding_max']} outstanding); "
              f"first answer {r['first_answer']:.0f} ms, first correct {r['first_correct']:.0f} ms; "
              f"index ready ($/progress end) {r['ready']:.0f} ms, first leanos/status ready {r['status_ready']:.0f} ms; "
              f"first correct - index ready {r['delta']:+.1f} ms")
        if log is not None:
            print_phases(log, r["spawned"])
    if runs > 1:
        def span(key, fmt="{:.0f}"):
            values = [r[key] for r in results]
            return f"{fmt.format(min(values))}..{fmt.format(max(values))}"
        print(f"over {runs} runs: wrong answers {span('wrong')}, errors {span('error')}, "
              f"index ready {span('ready')} ms, first correct {span('first_correct')} ms, "
              f"first correct - index ready {span('delta', '{:+.1f}')} ms")


def cpu_seconds(pid):
    """User + system CPU time of process `pid` (all its threads), seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(conn):
    """Sends `leanos/settled` and waits for both its response and its
    notification (in either order); returns the files published
    meanwhile (URI -> (arrival, version)) and when it settled."""
    request_id = conn.request("leanos/settled", None)
    token = None
    notified = {}
    published = {}
    for at, message in conn.messages():
        if message.get("id") == request_id and "method" not in message:
            token = message["result"]["settled"]
        elif message.get("method") == "textDocument/publishDiagnostics":
            params = message["params"]
            published[params["uri"]] = (at, params.get("version"))
        elif message.get("method") == "leanos/settled":
            notified[message["params"]["settled"]] = at
        if token is not None and token in notified:
            return published, notified[token]


def bench_keystroke(server, root, edits, relative, log=None):
    conn = Connection([server], root, log)
    initialize(conn, root, leanos_capabilities(False))
    settle(conn)
    say(f"ready; peak RSS {conn.peak_rss_mb():.0f} MB")
    path = root / relative
    text = path.read_text()
    uri = path.as_uri()
    conn.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    settle(conn)
    lines = re.split(r"\r\n|\r|\n", text)  # LSP's lines
    later = [i for i in range(len(lines) // 3, len(lines)) if lines[i].strip()]
    line = next((i for i in later if re.match(r"#+ [A-Z]+\d+:", lines[i])), later[0] if later else 0)
    column = len(lines[line].encode("utf-16-le")) // 2
    latencies, others = [], []
    cpu = 0.0
    for version in range(2, edits + 2):
        typed = version % 2 == 0
        end = column if typed else column + 1
        before = cpu_seconds(conn.proc.pid)
        sent = time.perf_counter()
        conn.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                          "end": {"line": line, "character": end}},
                                "text": "x" if typed else ""}]})
        # Until the file's publication of this version; a file without
        # diagnostics gets none (an unchanged empty set is not sent), so
        # until everything the edit set off is done.
        published, settled = settle(conn)
        at, published_version = published.get(uri, (settled, version))
        if published_version != version:
            at = settled
        latencies.append((at - sent) * 1000)
        others.append(len(set(published) - {uri}))
        cpu += cpu_seconds(conn.proc.pid) - before
    say(f"{relative} line {line + 1}, {edits} keystrokes")
    say(f"didChange -> publication: p50 {percentile(latencies, 50):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms")
    say(f"server CPU per keystroke (all it set off): {cpu / edits * 1000:.1f} ms")
    say(f"other files republished per keystroke: p50 {percentile(others, 50)}, max {max(others)}")
    say(f"peak RSS: {conn.peak_rss_mb():.0f} MB")
    conn.close()


def bench_storm(server, root, count, client_watches, log=None):
    paths = sorted(root.glob("threads/*/*/2-hypothesis.md"))[:count]
    originals = {path: path.read_text() for path in paths}
    conn = Connection([server], root, log)
    initialize(conn, root, leanos_capabilities(client_watches))
    settle(conn)
    try:
        for path in paths:
            path.write_text(originals[path].replace("Tests: ", "Tests: A999, ", 1))
        written = time.perf_counter()
        if client_watches:
            conn.notify("workspace/didChangeWatchedFiles",
                        {"changes": [{"uri": path.as_uri(), "type": 2} for path in paths]})
        waiting = {path.as_uri() for path in paths}
        shown = {}
        done = None
        for at, message in conn.messages():
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                shown[params["uri"]] = params["diagnostics"]
                if params["uri"] in waiting and "A999" in json.dumps(params["diagnostics"]):
                    waiting.discard(params["uri"])
                    if not waiting:
                        done = at
                        break
        # Until settled, still reading what is shown.
        request_id = conn.request("leanos/settled", None)
        token, notified = None, set()
        for _, message in conn.messages():
            if message.get("id") == request_id and "method" not in message:
                token = message["result"]["settled"]
            elif message.get("method") == "textDocument/publishDiagnostics":
                shown[message["params"]["uri"]] = message["params"]["diagnostics"]
            elif message.get("method") == "leanos/settled":
                notified.add(message["params"]["settled"])
            if token is not None and token in notified:
                break
        expected = json.loads(subprocess.run(
            [server, "check", str(root), "--format", "json"], capture_output=True, text=True
        ).stdout)
        counts = {path.as_uri(): 0 for path in paths}
        for diagnostic in expected:
            uri = (root / diagnostic["path"]).as_uri()
            if uri in counts:
                counts[uri] += 1
        agree = sum(1 for uri, n in counts.items() if len(shown.get(uri, [])) == n)
    finally:
        for path, text in originals.items():
            path.write_text(text)
    say(f"{len(paths)} files rewritten; all published {(done - written) * 1000:.0f} ms after the last write")
    say(f"files whose diagnostics equal check's: {agree} of {len(paths)}")
    say(f"peak RSS: {conn.peak_rss_mb():.0f} MB")
    conn.close()


def bench_peer(command, root, requests, link="../../marketing/t9/1-input.md"):
    conn = Connection(command, root)
    capabilities = {"textDocument": {"definition": {"linkSupport": False}}}
    t_init = initialize(conn, root, capabilities) - conn.started
    path = root / "threads/sales/t8/1-input.md"
    text = f"# Stage 1\n\nSee [next]({link}).\n"
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
    if len(argv) < 4 or argv[1] not in ("leanos", "first", "keystroke", "storm", "peer"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, server, root = argv[1], argv[2], Path(argv[3]).resolve()
    count = {"first": 3, "storm": 2000}.get(mode, 40)
    extra = []
    rest = argv[4:]
    if "--" in rest:
        extra = rest[rest.index("--") + 1:]
        rest = rest[:rest.index("--")]
    log = None
    open_document = True
    client_watches = False
    relative = "strategy/canvas/10-assumptions.md"
    link = "../../marketing/t9/1-input.md"
    while rest:
        option = rest.pop(0)
        if option in ("--edits", "--requests", "--runs", "--files") and rest:
            count = int(rest.pop(0))
        elif option == "--log" and rest:
            log = Path(rest.pop(0)).resolve()
        elif option in ("--open", "--closed"):
            open_document = option == "--open"
        elif option == "--client-watches":
            client_watches = True
        elif option == "--file" and rest:
            relative = rest.pop(0)
        elif option == "--link" and rest:
            link = rest.pop(0)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    if mode == "leanos":
        bench_leanos(server, root, count, log, client_watches)
    elif mode == "keystroke":
        bench_keystroke(server, root, count, relative, log)
    elif mode == "first":
        bench_first(server, root, count, open_document, log, client_watches)
    elif mode == "storm":
        bench_storm(server, root, count, client_watches, log)
    else:
        bench_peer([server, *extra], root, count, link)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
