"""The committed schema in a real editor: yaml-language-server, driven over stdio (LSP).

The server is the npm package ``yaml-language-server`` (pinned below), installed once into
``build/lsp`` (``make lsp`` does the same; a second run finds it and takes no time). These
tests skip only when Node.js or npm is missing; CI installs both (``.ci/sysdeps``).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import EXAMPLES, ROOT

from journeymap.durations import parse_duration
from journeymap.schema import DURATION_PATTERN

#: The yaml-language-server release these tests were written against (works on Node 18).
LSP_VERSION = "1.25.0"
LSP_DIR = ROOT / "build" / "lsp"
SERVER = LSP_DIR / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SCHEMA_URI = (ROOT / "schemas" / "journey.schema.json").as_uri()
TIMEOUT = 60.0
_NPM_FLAGS = ("--no-audit", "--no-fund", "--save-exact", "--loglevel=error")


def _install_server() -> Path:
    """The server's entry point, installed into build/lsp when it is not there yet."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed (.ci/sysdeps installs them)")
    stamp = LSP_DIR / f".installed-{LSP_VERSION}"
    if not (stamp.exists() and SERVER.exists()):
        LSP_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(LSP_DIR),
                *_NPM_FLAGS,
                f"yaml-language-server@{LSP_VERSION}",
            ],
            check=True,
            timeout=600,
        )
        stamp.touch()
    return SERVER


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin/stdout."""

    def __init__(self, server: Path) -> None:
        self.proc = subprocess.Popen(
            ["node", str(server), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.diagnostics: dict[str, queue.Queue[list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # transport -------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            self._dispatch(json.loads(out.read(length)))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message and "method" in message:  # a request from the server
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [self.settings.get("yaml")] * len(message["params"]["items"])
            self._send({"id": message["id"], "result": result})
        elif "id" in message:
            self._replies[message["id"]].put(message)
        elif message.get("method") == "textDocument/publishDiagnostics":
            params = message["params"]
            self._diagnostics_of(params["uri"]).put(params["diagnostics"])

    def _diagnostics_of(self, uri: str) -> queue.Queue[list[dict[str, Any]]]:
        with self._lock:
            return self.diagnostics.setdefault(uri, queue.Queue())

    # protocol --------------------------------------------------------------------------
    settings: ClassVar[dict[str, Any]] = {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "schemas": {SCHEMA_URI: ["/**/*.journey.yaml"]},
            "schemaStore": {"enable": False},
        }
    }

    def request(self, method: str, params: dict[str, Any]) -> Any:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            self._replies[ident] = queue.Queue()
        self._send({"id": ident, "method": method, "params": params})
        reply = self._replies[ident].get(timeout=TIMEOUT)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def start(self, root: Path) -> None:
        capabilities = {
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {
                    "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown"]}
                },
                "publishDiagnostics": {},
            },
            "workspace": {"configuration": True},
        }
        params = {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities}
        self.request("initialize", params)
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        item = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})
        return uri

    def diagnostics_for(self, uri: str) -> list[dict[str, Any]]:
        """The latest diagnostics published for ``uri`` (waiting for the first batch)."""
        found = self._diagnostics_of(uri).get(timeout=TIMEOUT)
        while True:
            try:
                found = self._diagnostics_of(uri).get(timeout=0.3)
            except queue.Empty:
                return found

    def hover(self, uri: str, line: int, character: int) -> str:
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        result = self.request("textDocument/hover", params)
        return "" if result is None else str(result["contents"]["value"])

    def completion(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        result = self.request("textDocument/completion", params)
        items = result["items"] if isinstance(result, dict) else result
        return list(items)

    def stop(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def lsp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    server = _install_server()
    client = Client(server)
    client.start(tmp_path_factory.getbasetemp())
    yield client
    client.stop()


GOOD = """\
journeymap: 1
id: tiny
title: Tiny journey
agencies:
  - {id: SSA, name: Social Security Administration, level: federal}
touchpoints:
  - id: a
    name: Apply
    agency: SSA
    channel: online
    asks: [ssn]
    drop_off: 0.1
    duration: 5d
    next: b
  - id: b
    name: Decision
    agency: SSA
"""


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if line.lstrip().startswith(start))


def _source_link() -> str:
    return f"\n\nSource: [journey.schema.json]({SCHEMA_URI})"


def test_hover_shows_the_documented_meaning(lsp: Client, tmp_path: Path) -> None:
    uri = lsp.open(tmp_path / "good.journey.yaml", GOOD)
    assert lsp.diagnostics_for(uri) == []
    hover = {key: lsp.hover(uri, _line_of(GOOD, f"{key}:"), 5) for key in ("drop_off", "asks")}
    hover["channel"] = lsp.hover(uri, _line_of(GOOD, "channel:"), 5)
    assert hover["drop_off"] == (
        "#### drop\\_off\n\n"
        "Share (0–1) of the people who arrive here and abandon the journey here.\n\n"
        "Allowed: a number from 0 to 1.\n\n"
        "Example:\n\n```yaml\n0.12\n```" + _source_link()
    )
    assert hover["asks"] == (
        "#### asks\n\n"
        "Data items the person must provide here; each is one request.\n\n"
        "Allowed: an id (no spaces); or a list of ids.\n\n"
        "Example:\n\n```yaml\n- ssn\n- bank_account\n```" + _source_link()
    )
    values = ["online", "phone", "in_person", "mail", "email", "text", "chat", "kiosk"]
    values.append("automated")
    assert hover["channel"] == (
        "#### channel\n\n"
        "How the person deals with the agency here: "
        + ", ".join(f"`{v}`" for v in values)
        + ".\n\nAllowed Values:\n\n"
        + "".join(f"* `{v}`\n" for v in values)
        + "\nExample:\n\n```yaml\nonline\n```"
        + _source_link()
    )


def test_completion_inserts_examples_not_null(lsp: Client, tmp_path: Path) -> None:
    text = GOOD + "    \n"
    uri = lsp.open(tmp_path / "complete.journey.yaml", text)
    lsp.diagnostics_for(uri)
    items = {item["label"]: item for item in lsp.completion(uri, len(text.splitlines()) - 1, 4)}
    # the keys a touchpoint may still take, each with the documented example as its value
    assert items["drop_off"]["insertText"] == "drop_off: ${1:0.12}"
    assert items["effort"]["insertText"] == "effort: ${1:2h}"
    assert items["channel"]["insertText"] == "channel: ${1:online}"
    assert items["drop_off"]["documentation"] == {
        "kind": "markdown",
        "value": "Share (0–1) of the people who arrive here and abandon the journey here.\n\n"
        "Allowed: a number from 0 to 1.",
    }
    assert [k for k, item in items.items() if "null" in item.get("insertText", "")] == []


BAD = {
    "agencies-empty": (
        GOOD.replace(
            "agencies:\n  - {id: SSA, name: Social Security Administration, level: federal}\n",
            "agencies: []\n",
        ),
        "agencies: []",
        "Array has too few items. Expected 1 or more.",
    ),
    "duration-3-wks": (
        GOOD.replace("duration: 5d", "duration: 3 wks"),
        "3 wks",
        "A duration is a number with a unit: 30min, 2h, 5d, 3w, 2mo (30 days), 10y (365 days), "
        "long forms such as 3 days, or ISO 8601 such as P5D, PT45M (at most 100 years)",
    ),
    "misspelt-key": (
        GOOD.replace("drop_off: 0.1", "dropoff: 0.1"),
        "dropoff",
        "Property dropoff is not allowed.",
    ),
    "id-with-space": (
        GOOD.replace("agency: SSA\n    channel", "agency: S SA\n    channel"),
        "S SA",
        "An id is not empty and has no spaces, control or invisible characters",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_flagged_where_validate_flags_them(
    lsp: Client, tmp_path: Path, case: str
) -> None:
    from journeymap.loading import check_journey

    text, marked, message = BAD[case]
    uri = lsp.open(tmp_path / f"{case}.journey.yaml", text)
    diagnostics = lsp.diagnostics_for(uri)
    assert [d["message"] for d in diagnostics] == [message]
    start = diagnostics[0]["range"]["start"]
    line = text.splitlines()[start["line"]]
    assert line.find(marked.split(":")[0]) in (start["character"], start["character"] - 10)
    problems = check_journey(text, source="x.yaml").problems
    assert any(p.line == start["line"] + 1 and p.severity == "error" for p in problems), problems


def test_misspelt_key_keeps_did_you_mean_in_validate() -> None:
    from journeymap.loading import check_journey

    text = BAD["misspelt-key"][0]
    messages = [p.message for p in check_journey(text, source="x.yaml").problems]
    assert "unknown key 'dropoff'; did you mean 'drop_off'?" in messages


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_are_clean_in_the_editor(lsp: Client, path: Path) -> None:
    # the examples reach the committed schema through their own modeline (a relative path)
    uri = lsp.open(path, path.read_text(encoding="utf-8"))
    assert lsp.diagnostics_for(uri) == []


DURATION_CASES = [
    "3 wks",
    "2w",
    "P30D",
    "1.5h",
    "90min",
    "3 weeks",
    "5 D",
    " 2mo ",
    "p5d",
    "PT45M",
    "P1DT12H",
    "PT",
    "P",
    "5",
    "5.",
    ".5h",
    "1e3min",
    "5 d\u3000",
    "\u20035d",
    "pt5\u017f",
    "5\u0665d",
    "P1,5D",
    "P1.5Y2M",
    "PT1H30M",
    "P1W",
    "5 m",
    "5 mo",
    "5 MONTHS",
    "hours",
    "5hrs",
    "5 hours",
    "",
    " ",
    "P5DT",
    "P5D\n",
    "\t5d\t",
    "5d x",
    "-5d",
    "+5d",
    "5_0d",
]


def test_duration_pattern_behaves_alike_in_node(tmp_path: Path) -> None:
    """ECMAScript (what editors run, with the u flag) reads the pattern as Python does."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (.ci/sysdeps installs it)")
    import re

    script = tmp_path / "match.js"
    script.write_text(
        "const [p, xs] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "const r = new RegExp(p, 'u');\n"
        "process.stdout.write(JSON.stringify(xs.map((x) => r.test(x))));\n",
        encoding="utf-8",
    )
    data = json.dumps([DURATION_PATTERN, DURATION_CASES])
    run = subprocess.run([node, str(script)], input=data, capture_output=True, text=True)
    in_node = json.loads(run.stdout)
    in_python = [re.search(DURATION_PATTERN, x) is not None for x in DURATION_CASES]
    assert in_node == in_python
    accepted = []
    for text in DURATION_CASES:
        try:
            parse_duration(text)
        except ValueError:
            continue
        accepted.append(text)
    # the one known difference: parse_duration also reads non-ASCII digits ("5٥d")
    assert [x for x, ok in zip(DURATION_CASES, in_node, strict=True) if ok] == [
        x for x in accepted if x != "5\u0665d"
    ]
