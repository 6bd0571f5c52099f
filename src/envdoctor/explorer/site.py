"""Write the explorer site: index.html, assets/app.css, assets/app.js, assets/data.js.

Self-contained: no CDN, no request at view time (data.js is a plain script, so the page works
from file:// as well as from any static host). The data holds every selector state's answer,
computed by plan's choice code (`selector.answer`), and the matrices (`matrices`).

Encoding (hand-written because the page must stay small; see `decode_answer` for the reverse):
every string is stored once in `strings` and referenced by index; an answer is a short array;
answers that differ only in the driver the user picked are stored once, with the driver's
mentions replaced by DRIVER_TOKEN (the build checks that expanding a template gives back the
exact answer); `index[variant][platform][python][device]` is an answer id, or for the GPU a
list of answer ids per driver of the platform's driver menu.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from envdoctor import frameworks as registry
from envdoctor._version import __version__
from envdoctor.explorer import matrices
from envdoctor.explorer.selector import (
    ANY_PYTHON,
    NO_DRIVER,
    PLATFORMS,
    State,
    answer,
    drivers_for,
    labels,
    pythons_for,
    variants,
)

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase

DATA_SCHEMA = 1
DRIVER_TOKEN = "\u2063D\u2063"  # never in a plan text: invisible separators around a D
_DRIVER_PHRASES = ("(this machine: {})", "this driver is {}", "an NVIDIA driver ({}) is present")
ASSETS = ("app.css", "app.js")
SIZE_GOAL = 2_000_000


@dataclass
class SiteStats:
    out: Path
    files: dict[str, int] = field(default_factory=dict)  # relative path -> bytes
    states: int = 0
    answers: int = 0
    strings: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.files.values())


class _Strings:
    def __init__(self) -> None:
        self.items: list[str] = [""]
        self.ids: dict[str, int] = {"": 0}

    def __call__(self, text: str | None) -> int:
        """The id of `text`; -1 for None."""
        if text is None:
            return -1
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.items)
            self.items.append(text)
        return found


def _template(text: str, driver: str) -> str:
    if driver == NO_DRIVER:
        return text
    for phrase in _DRIVER_PHRASES:
        text = text.replace(phrase.format(driver), phrase.format(DRIVER_TOKEN))
    return text


def encode_answer(record: dict[str, Any], driver: str, sid: _Strings) -> list[Any]:
    """One answer (Answer.to_dict()) as the page's compact array."""

    def s(text: str | None) -> int:
        return sid(None if text is None else _template(text, driver))

    def many(texts: Iterable[str]) -> list[int]:
        return [s(t) for t in texts]

    framework = record["framework"]
    driver_info = record["driver"]
    commands = record["commands"]
    return [
        1 if record["feasible"] else 0,
        s(record["python"]),
        1 if record["gpu"] else 0,
        [s(framework["name"]), s(framework["version"]), s(framework["requirement"])] if framework else 0,
        s(record["cuda"]),
        s(record["cudnn"]),
        s(record["gpu_package"]),
        s(record["build_source"]),
        [s(driver_info[k]) for k in ("need", "toolkit", "minor_compat", "source")] if driver_info else 0,
        [[s(c["requirement"]), s(c["reason"]), s(c["source"])] for c in record["caps"]],
        [many(commands.get(kind, [])) for kind in ("pip", "uv", "conda")],
        many(record["reasons"]),
        many(record["proof"]),
        many(record["alternatives"]),
    ]


def decode_answer(encoded: list[Any], strings: list[str], driver: str) -> dict[str, Any]:
    """The reverse of `encode_answer` (what the page's JavaScript does, for tests and checks)."""

    def s(i: int) -> str | None:
        if i < 0:
            return None
        text = strings[i]
        return text.replace(DRIVER_TOKEN, driver) if driver != NO_DRIVER else text

    def many(ids: list[int]) -> list[str]:
        return [s(i) or "" for i in ids]

    feasible, python, gpu, fw, cuda, cudnn, package, source, drv, caps, cmds, reasons, proof, alts = encoded
    return {
        "feasible": bool(feasible),
        "python": s(python),
        "gpu": bool(gpu),
        "framework": None
        if not fw
        else {"name": s(fw[0]), "version": s(fw[1]), "extras": _extras(s(fw[2]) or ""), "requirement": s(fw[2])},
        "cuda": s(cuda),
        "cudnn": s(cudnn),
        "gpu_package": s(package),
        "build_source": s(source),
        "driver": None if not drv else dict(zip(("need", "toolkit", "minor_compat", "source"), (s(i) for i in drv))),
        "caps": [dict(zip(("requirement", "reason", "source"), (s(i) for i in c))) for c in caps],
        "commands": {kind: many(lines) for kind, lines in zip(("pip", "uv", "conda"), cmds) if lines},
        "reasons": many(reasons),
        "proof": many(proof),
        "alternatives": many(alts),
    }


def _extras(requirement: str) -> list[str]:
    head = requirement.split("==", 1)[0]
    if "[" not in head:
        return []
    return [e for e in head[head.index("[") + 1 : head.rindex("]")].split(",") if e]


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """An answer without what the page builds from the state itself (the plan command)."""
    return {k: v for k, v in record.items() if k != "plan"}


def selector_data(kb: KnowledgeBase, sid: _Strings) -> tuple[dict[str, Any], int, int]:
    """(the selector part of the page data, states, distinct answers)."""
    pythons = pythons_for(kb)
    drivers = {p: drivers_for(kb, p) for p in PLATFORMS}
    table: list[list[Any]] = []
    ids: dict[str, int] = {}
    pool: dict[tuple[Any, ...], Any] = {}
    index: list[Any] = []
    count = 0
    for variant in variants():
        by_platform: list[Any] = []
        for platform in PLATFORMS:
            by_python: list[Any] = []
            for python in pythons:
                by_device: list[Any] = []
                for device in ("cpu", "gpu"):
                    if device not in variant.devices:
                        by_device.append(-1)
                        continue
                    menu = drivers[platform] if device == "gpu" else [NO_DRIVER]
                    found: list[int] = []
                    for driver in menu:
                        state = State(variant, platform, python, device, driver)
                        record = _comparable(answer(kb, state, pool).to_dict())
                        encoded = encode_answer(record, driver, sid)
                        if decode_answer(encoded, sid.items, driver) != record:
                            raise AssertionError(f"the page's encoding loses part of the answer for {state.key}")
                        key = json.dumps(encoded, separators=(",", ":"))
                        if key not in ids:
                            ids[key] = len(table)
                            table.append(encoded)
                        found.append(ids[key])
                        count += 1
                    by_device.append(found if device == "gpu" else found[0])
                by_python.append(by_device)
            by_platform.append(by_python)
        index.append(by_platform)
    data = {
        "variants": [
            {"id": v.id, "label": v.label, "framework": v.framework, "spec": v.spec, "devices": list(v.devices)}
            for v in variants()
        ],
        "frameworks": labels(),
        "platforms": list(PLATFORMS),
        "pythons": pythons,
        "drivers": drivers,
        "any_python": ANY_PYTHON,
        "no_driver": NO_DRIVER,
        "driver_token": DRIVER_TOKEN,
        "answers": table,
        "index": index,
    }
    return data, count, len(table)


def matrix_data(kb: KnowledgeBase, sid: _Strings) -> dict[str, Any]:
    """The matrices of every framework, strings interned."""
    result: dict[str, Any] = {}
    for framework in registry.families():
        wheel = matrices.wheels(kb, framework)
        kinds = {matrices.WHEEL: 1, matrices.STUB: 2}
        rows = []
        for version, yanked, cells in wheel.rows:
            per_platform = []
            for platform in PLATFORMS:
                line = []
                for python in wheel.pythons:
                    kind, stub = cells.get(platform, {}).get(python, (matrices.MISSING, ""))
                    line.append(kinds.get(kind, 0) if kind != matrices.STUB else [2, sid(stub)])
                per_platform.append(line)
            rows.append([sid(version), 1 if yanked else 0, per_platform])
        builds = [
            [
                sid(b.package),
                sid(b.version),
                sid(b.cuda),
                sid(b.cudnn),
                sid(", ".join(b.capabilities)),
                sid(b.toolkit_driver),
                sid(b.minor_compat_driver),
                sid(b.windows_toolkit_driver),
                sid(b.source),
            ]
            for b in matrices.builds(kb, framework)
        ]
        table = matrices.drivers(kb, framework)
        abi, caps = matrices.numpy(kb, framework)
        result[framework] = {
            "package": wheel.package,
            "pythons": wheel.pythons,
            "wheels": rows,
            "builds": builds,
            "drivers": [
                [sid(r.cuda), sid(r.linux), sid(r.windows), sid(r.release), [sid(u) for u in r.used_by]]
                for r in table.rows
            ],
            "minor_compat": [[sid(m), sid(lx), sid(w), sid(src)] for m, lx, w, src in table.minor_compat],
            "driver_source": sid(table.source),
            "driver_note": sid(table.note),
            "numpy": [[sid(r.versions), sid(r.abi), [sid(p) for p in r.platforms], sid(r.source)] for r in abi],
            "caps": [[sid(c.versions), sid(c.requirement), sid(c.reason), sid(c.source)] for c in caps],
        }
    return result


def page_data(kb: KnowledgeBase) -> tuple[dict[str, Any], int, int]:
    """(the page's data, states, distinct answers)."""
    sid = _Strings()
    selector, states, answers = selector_data(kb, sid)
    data = {
        "schema": DATA_SCHEMA,
        "envdoctor": __version__,
        "kb_generated": kb.generated,
        "selector": selector,
        "matrices": matrix_data(kb, sid),
        "strings": sid.items,
    }
    return data, states, answers


def _asset(name: str) -> str:
    return resources.files("envdoctor.explorer").joinpath("static").joinpath(name).read_text(encoding="utf-8")


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return len(data)


def data_script(data: dict[str, Any]) -> str:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"window.ENVDOCTOR_KB={body};\n"


def read_data_script(path: Path) -> dict[str, Any]:
    """The page data from a written assets/data.js (tests, checks)."""
    text = path.read_text(encoding="utf-8")
    prefix = "window.ENVDOCTOR_KB="
    if not text.startswith(prefix):
        raise ValueError(f"{path}: not an explorer data script")
    result: dict[str, Any] = json.loads(text[len(prefix) :].rstrip().rstrip(";"))
    return result


def build_site(kb: KnowledgeBase, out: Path) -> SiteStats:
    """Write the site into `out` (created; files of an earlier build are replaced)."""
    started = time.perf_counter()
    data, states, answers = page_data(kb)
    stats = SiteStats(out=out, states=states, answers=answers, strings=len(data["strings"]))
    generated = kb.generated or "unknown"
    html = _asset("index.html").replace("{{GENERATED}}", generated).replace("{{VERSION}}", str(data["envdoctor"]))
    stats.files["index.html"] = _write(out / "index.html", html)
    for name in ASSETS:
        stats.files[f"assets/{name}"] = _write(out / "assets" / name, _asset(name))
    stats.files["assets/data.js"] = _write(out / "assets" / "data.js", data_script(data))
    stats.seconds = time.perf_counter() - started
    return stats


def answer_for(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The decoded answer the page shows for a URL hash ("tensorflow/linux-x86_64/3.12/gpu/550"),
    by the same lookup its JavaScript does; None for a state the page does not offer."""
    selector = data["selector"]
    parts = key.split("/")
    if len(parts) == 4:
        parts.append(selector["no_driver"])
    if len(parts) != 5:
        return None
    variant, platform, python, device, driver = parts
    try:
        vi = [v["id"] for v in selector["variants"]].index(variant)
        pi = selector["platforms"].index(platform)
        yi = selector["pythons"].index(python)
        di = ("cpu", "gpu").index(device)
    except ValueError:
        return None
    entry = selector["index"][vi][pi][yi][di]
    if entry == -1:
        return None
    if isinstance(entry, list):
        menu = selector["drivers"][platform]
        if driver not in menu:
            return None
        entry = entry[menu.index(driver)]
    elif driver != selector["no_driver"]:
        return None
    return decode_answer(selector["answers"][entry], data["strings"], driver)
