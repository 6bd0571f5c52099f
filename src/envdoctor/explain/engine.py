"""The scanner (signatures over a stream of text blocks) and the decision (scores and rules).

Speed: every needle is searched with `str.find` over a lowered block (C speed, no per-line Python
work); only lines that contain a needle are split out and matched with their signatures' regexes.
Memory: only matched lines (a few per signature), the lines captured after solver headers, and the
head and tail of the log are kept.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from envdoctor.explain import conflicts as conflict_parsers
from envdoctor.explain.causes import PRIORITY
from envdoctor.explain.facts import extract_facts, machine_platforms, version_tuple
from envdoctor.explain.model import Conflict, Evidence
from envdoctor.explain.paths import JUPYTER_RE, installs
from envdoctor.explain.signatures import COMPILED, Signature, by_anchor

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]")
HEAD_LINES = 200
TAIL_LINES = 200
KEEP_PER_SIGNATURE = 4  # evidence lines kept per signature (first ones); the rest are counted
MAX_HITS_PER_NEEDLE_BLOCK = 500
MAX_LINE_CHARS = 2000
MAX_FACT_CAPTURES = 4  # per fact signature: a repeated GPU check must not use up the slots of solver blocks
MIN_CONFIDENCE = 0.4
SECONDARY_MIN = 0.3


@dataclass
class Hit:
    signature: Signature
    count: int = 0
    evidence: list[Evidence] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)


@dataclass
class Capture:
    signature: Signature
    header: Evidence
    lines: list[str] = field(default_factory=list)
    wanted: int = 0


def _clean(segment: str) -> str:
    return segment.strip()[:MAX_LINE_CHARS]


def _segment(line: str, needle: str) -> str:
    """A `\\r`-overwritten line shows only its last state; keep the part that holds the needle."""
    if "\r" not in line:
        return line
    parts = [p for p in line.split("\r") if p.strip()]
    for part in parts:
        if needle in part.lower():
            return part
    return parts[-1] if parts else ""


def _positions(low: str, needle: str, start: int, limit: int) -> list[int]:
    """Positions of `needle` (one per line) from `start`, at most `limit`."""
    out: list[int] = []
    pos = low.find(needle, start)
    while pos != -1 and len(out) < limit:
        out.append(pos)
        end = low.find("\n", pos)
        pos = low.find(needle, end + 1) if end != -1 else -1
    return out


def _first_lines(text: str, count: int) -> list[str]:
    """The first `count` complete-or-final lines of `text`, without splitting the whole block."""
    out: list[str] = []
    pos = 0
    while len(out) < count and pos < len(text):
        stop = text.find("\n", pos)
        if stop == -1:
            out.append(text[pos:])
            break
        out.append(text[pos:stop])
        pos = stop + 1
    return out


class Scanner:
    """Feed text blocks of whole lines; read the hits, captures and retained lines afterwards."""

    def __init__(self, signatures: tuple[Signature, ...] = COMPILED) -> None:
        self._table = by_anchor(signatures)
        self.hits: dict[str, Hit] = {}
        self.captures: list[Capture] = []
        self._open: list[Capture] = []
        self.head: list[str] = []
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.tail_numbers: deque[int] = deque(maxlen=TAIL_LINES)  # 1-based line number of each tail line
        self.lines = 0
        self._ends_with_newline = True

    # -- feeding -----------------------------------------------------------------------------
    def feed(self, text: str) -> None:
        if not text:
            return
        if "\x1b" in text:
            text = ANSI_RE.sub("", text)
        base = self.lines
        nlines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if self._open:
            self._continue_captures(_first_lines(text, max(c.wanted - len(c.lines) for c in self._open)))
        if len(self.head) < HEAD_LINES:
            self.head.extend(_clean(x) for x in _first_lines(text, HEAD_LINES - len(self.head)))
        parts = text.rsplit("\n", TAIL_LINES + 1)[-(TAIL_LINES + 1) :]
        first = base + text.count("\n") + 1 - len(parts) + 1
        for offset, line in enumerate(parts):
            if line.strip():
                self.tail.append(_clean(line))
                self.tail_numbers.append(first + offset)
        low = text.lower()
        found: list[tuple[int, str]] = []
        for anchor, group in self._table.items():
            pos = low.find(anchor)
            hits = 0
            while pos != -1:
                if hits >= MAX_HITS_PER_NEEDLE_BLOCK:
                    # A noisy anchor: search its needles one by one for the rest of the block, so one
                    # flood of warnings cannot hide the single line that matters further down.
                    for needle in group:
                        found.extend((p, anchor) for p in _positions(low, needle, pos, MAX_HITS_PER_NEEDLE_BLOCK))
                    break
                found.append((pos, anchor))
                hits += 1
                end = low.find("\n", pos)
                pos = low.find(anchor, end + 1) if end != -1 else -1
        if not found:
            self.lines = base + nlines
            return
        found.sort()
        same_length = len(low) == len(text)
        lines = None if same_length else text.split("\n")
        index = 0
        counted_to = 0
        by_line: dict[int, tuple[int, int, list[str]]] = {}
        for pos, anchor in found:
            index += low.count("\n", counted_to, pos)
            counted_to = pos
            if index in by_line:
                if anchor not in by_line[index][2]:
                    by_line[index][2].append(anchor)
                continue
            start = low.rfind("\n", 0, pos) + 1
            stop = low.find("\n", pos)
            by_line[index] = (start, len(low) if stop == -1 else stop, [anchor])
        for index, (start, stop, anchors) in by_line.items():
            raw = text[start:stop] if lines is None else lines[index]
            raw_low = raw.lower()
            for anchor in anchors:
                for needle, sigs in self._table[anchor].items():
                    if needle in raw_low:
                        self._match_line(sigs, needle, raw, index, base, text, stop, lines)
        self.lines = base + nlines

    def _match_line(
        self,
        sigs: list[Signature],
        needle: str,
        raw: str,
        index: int,
        base: int,
        text: str,
        stop: int,
        lines: list[str] | None,
    ) -> None:
        segment = _segment(raw, needle)
        for sig in sigs:
            known = self.hits.get(sig.id)
            if known is not None and len(known.evidence) >= KEEP_PER_SIGNATURE and not sig.capture:
                known.count += 1  # already proven: skip the regex on the thousandth repeat of a warning
                continue
            matched = sig.match(segment)
            if not matched:
                continue
            hit = self.hits.setdefault(sig.id, Hit(sig))
            hit.count += 1
            ev = Evidence(line=base + index + 1, text=_clean(segment), signature=sig.id)
            if len(hit.evidence) < KEEP_PER_SIGNATURE:
                hit.evidence.append(ev)
            if isinstance(matched, re.Match):
                for key, value in matched.groupdict().items():
                    if value and key not in hit.groups:
                        hit.groups[key] = value
            if (
                sig.capture
                and len(self.captures) < 20
                and (sig.role != "fact" or self._captures_of(sig) < MAX_FACT_CAPTURES)
            ):
                cap = Capture(sig, ev, wanted=sig.capture)
                if lines is None:
                    following = _first_lines(text[stop + 1 :], sig.capture) if stop < len(text) else []
                else:
                    following = lines[index + 1 : index + 1 + sig.capture]
                cap.lines.extend(_clean(x) for x in following)
                self.captures.append(cap)
                if len(cap.lines) < cap.wanted:
                    self._open.append(cap)

    def _captures_of(self, sig: Signature) -> int:
        return sum(1 for cap in self.captures if cap.signature is sig)

    def _continue_captures(self, lines: list[str]) -> None:
        still: list[Capture] = []
        for cap in self._open:
            need = cap.wanted - len(cap.lines)
            cap.lines.extend(_clean(x) for x in lines[:need])
            if len(cap.lines) < cap.wanted:
                still.append(cap)
        self._open = still

    # -- reading -----------------------------------------------------------------------------
    def retained(self) -> list[str]:
        out = list(self.head)
        for hit in self.hits.values():
            out.extend(e.text for e in hit.evidence)
        for cap in self.captures:
            out.extend(cap.lines)
        out.extend(self.tail)
        return out

    def numbered(self) -> list[tuple[int, str]]:
        """The retained lines with their 1-based line numbers (head, matched lines, tail)."""
        out = list(enumerate(self.head, 1))
        for hit in self.hits.values():
            out.extend((e.line, e.text) for e in hit.evidence)
        out.extend(zip(self.tail_numbers, self.tail, strict=True))
        return out

    def tags(self) -> set[str]:
        present: set[str] = set()
        for hit in self.hits.values():
            present.update(hit.signature.tags)
        return present


@dataclass
class Decision:
    cause: str
    confidence: float
    scores: dict[str, float]
    evidence: dict[str, list[Evidence]]
    conflicts: list[Conflict]
    facts: dict[str, str]
    groups: dict[str, dict[str, str]]
    notes: dict[str, Any] = field(default_factory=dict)


def _combine(weights: Iterable[float]) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


def parse_conflicts(scanner: Scanner) -> list[Conflict]:
    found: list[Conflict] = []
    for cap in scanner.captures:
        sid = cap.signature.id
        parsed: Conflict | None = None
        if sid == "solver/pip-caused-by":
            parsed = conflict_parsers.pip_conflict(cap.lines)
        elif sid in ("solver/conda-conflict", "solver/conda-python", "solver/conda-in-conflict-compact"):
            parsed = conflict_parsers.conda_conflict(cap.lines)
            if parsed is None and sid == "solver/conda-python":
                parsed = Conflict(tool="conda", kind="python", reason="no build for this environment's Python")
        elif sid == "solver/mamba-problems":
            parsed = conflict_parsers.mamba_conflict(cap.lines)
        elif sid == "solver/uv-no-solution":
            parsed = conflict_parsers.uv_conflict(cap.lines, header=cap.header.text)
        if parsed is not None and parsed not in found:
            found.append(parsed)
    return found


# Conflict kinds that are really another cause (root cause over the solver's symptom).
_CONFLICT_CAUSE = {
    "python": "python-unsupported",
    "cuda-driver": "driver-too-old",
    "glibc": "glibc-too-old",
    "platform": "platform-unsupported",
}


def decide(scanner: Scanner, snapshot: Any = None, kb: Any = None) -> Decision:
    """`snapshot` (the machine the command ran on) and `kb` (a KnowledgeBase; the shipped one is
    loaded lazily when a rule needs it) are optional."""
    tags = scanner.tags()
    present_causes = {h.signature.cause for h in scanner.hits.values() if h.signature.cause}
    weights: dict[str, list[float]] = {}
    evidence: dict[str, list[Evidence]] = {}
    groups: dict[str, dict[str, str]] = {}
    for hit in scanner.hits.values():
        sig = hit.signature
        if sig.cause is None or sig.role != "cause":
            continue
        if sig.requires and not all(r in tags or r in present_causes for r in sig.requires):
            continue
        if sig.suppressed_by and any(s in present_causes - {sig.cause} or s in tags for s in sig.suppressed_by):
            continue
        weights.setdefault(sig.cause, []).append(sig.weight)
        evidence.setdefault(sig.cause, []).extend(hit.evidence)
        groups.setdefault(sig.cause, {}).update({k: v for k, v in hit.groups.items() if v})
    scores = {cause: _combine(ws) for cause, ws in weights.items()}
    facts = extract_facts(scanner.retained())
    conflicts = parse_conflicts(scanner)
    notes: dict[str, Any] = {_CONTEXT: (snapshot, kb)}
    _apply_rules(scores, evidence, facts, conflicts, tags, scanner, notes)
    notes.pop(_CONTEXT, None)
    ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 3), _prio(kv[0])))
    if not ranked or ranked[0][1] < MIN_CONFIDENCE:
        cause, confidence = "unknown", (ranked[0][1] if ranked else 0.0)
    else:
        cause, confidence = ranked[0]
    for ev in evidence.values():
        ev.sort(key=lambda e: e.line)
    return Decision(cause, round(confidence, 2), scores, evidence, conflicts, facts, groups, notes)


def _prio(cause: str) -> int:
    return PRIORITY.index(cause) if cause in PRIORITY else len(PRIORITY)


def _apply_rules(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """Small declarative-in-spirit rules that look at several signals at once (documented in RULES)."""
    for rule in RULES:
        rule(scores, evidence, facts, conflicts, tags, scanner, notes)


def _rule_conflict_kind(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """A solver conflict whose only clash is Python / the CUDA driver / glibc / the platform is that
    cause, not a generic solver conflict (conda UnsatisfiableError on python -> python-unsupported)."""
    if not conflicts or "solver-conflict" not in scores:
        return
    kinds = {c.kind for c in conflicts}
    real = [c for c in conflicts if c.kind == "conflict"]
    for kind in kinds:
        target = _CONFLICT_CAUSE.get(kind)
        if target and not real:
            moved = scores.pop("solver-conflict")
            scores[target] = max(scores.get(target, 0.0), min(0.95, moved + 0.1))
            evidence.setdefault(target, []).extend(evidence.pop("solver-conflict", []))
            return


def _rule_python_version(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """pip's "No matching distribution found for tensorflow" is read with the Python version the log
    mentions: a Python the framework has never supported makes the diagnosis surer."""
    if "python-unsupported" not in scores:
        return
    python = version_tuple(facts.get("python"))
    if python and (python >= (3, 13) or python < (3, 7)):
        scores["python-unsupported"] = min(0.97, scores["python-unsupported"] + 0.1)
        notes["python_note"] = f"the log shows Python {facts['python']}"


def _rule_windows_tf_gpu(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """No GPU with TensorFlow >= 2.11 on native Windows is platform-unsupported: there is no CUDA
    build of TensorFlow for native Windows after 2.10."""
    if facts.get("os") != "windows":
        return
    tf = version_tuple(facts.get("tensorflow"))
    if not tf or tf < (2, 11):
        return
    if "no-gpu-visible" in scores or "gpu-query" in tags:
        base = scores.pop("no-gpu-visible", 0.6)
        scores["platform-unsupported"] = max(scores.get("platform-unsupported", 0.0), min(0.9, base + 0.25))
        evidence.setdefault("platform-unsupported", []).extend(evidence.pop("no-gpu-visible", []))
        gpu_lines = [e for h in scanner.hits.values() if "gpu-query" in h.signature.tags for e in h.evidence]
        evidence["platform-unsupported"].extend(e for e in gpu_lines if e not in evidence["platform-unsupported"])


def _rule_windows_cpu_torch(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """`Illegal instruction` next to a NumPy ABI banner is the ABI problem crashing, not the CPU."""
    if "cpu-instructions" in scores and "numpy-abi" in scores and scores["numpy-abi"] >= 0.9:
        scores["cpu-instructions"] *= 0.5


_NEGATIVE_RESULT_RE = re.compile(r"(?:out\[\d+\]:\s*)?(?:false|\[\]|0)\.?", re.IGNORECASE)
_GPU_CHECKS = ("fact/gpu-query-torch", "fact/gpu-query-tf", "fact/gpu-query-gpu-available")
_CALL_AT_END_RE = re.compile(r"(?:is_available|list_physical_devices|is_gpu_available)\([^()]*\)\)?\s*$", re.IGNORECASE)


def _add(
    scores: dict[str, float], evidence: dict[str, list[Evidence]], cause: str, weight: float, lines: list[Evidence]
) -> None:
    scores[cause] = _combine([scores.get(cause, 0.0), weight])
    known = evidence.setdefault(cause, [])
    known.extend(e for e in lines if e not in known)


def _rule_gpu_check_result(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """An interactive GPU check whose answer is on the next line (`>>> torch.cuda.is_available()` then
    `False`, `tf.config.list_physical_devices('GPU')` then `[]`): the framework sees no GPU."""
    for cap in scanner.captures:
        if cap.signature.id not in _GPU_CHECKS or not _CALL_AT_END_RE.search(cap.header.text):
            continue
        answer = next((line for line in cap.lines if line.strip()), "")
        if _NEGATIVE_RESULT_RE.fullmatch(answer.strip()):
            line = Evidence(cap.header.line + 1 + cap.lines.index(answer), answer.strip(), "no-gpu/check-answer")
            _add(scores, evidence, "no-gpu-visible", 0.8, [cap.header, line])
            return


# Last releases with wheels for a platform: a newer one has no wheel there (Intel macOS for the
# PyTorch family; native Windows for tensorflow-io-gcs-filesystem, which the knowledge base does not
# cover). pip listing exactly up to that release while a newer one is asked for shows the platform.
_LAST_FOR_PLATFORM = {
    "torch": ((2, 2, 2), "Intel macOS"),
    "torchaudio": ((2, 2, 2), "Intel macOS"),
    "torchvision": ((0, 17, 2), "Intel macOS"),
    "tensorflow-io-gcs-filesystem": ((0, 31, 0), "Windows"),
}
_REQ_RE = re.compile(r"^(?P<name>[\w-]+)\s*(?:\[[^\]]*\])?\s*(?:===?|~=|>=)\s*(?P<version>\d+(?:\.\d+)*)")


def _rule_last_platform_release(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """pip sees torch only up to 2.2.2 (torchvision 0.17.2) and the request is newer: that is Intel
    macOS, whose wheels stopped at 2.2.2; no Python version change helps. Likewise
    tensorflow-io-gcs-filesystem up to 0.31.0 is native Windows."""
    if "python-unsupported" not in scores or "kb_verdict" in notes:
        return
    newest = version_tuple(facts.get("newest_available"))
    for sid in ("python/no-version-framework", "python/no-matching-framework"):
        hit = scanner.hits.get(sid)
        match = _REQ_RE.match(hit.groups.get("req", "")) if hit else None
        if not match:
            continue
        last, where = _LAST_FOR_PLATFORM.get(match.group("name").lower(), ((), ""))
        if last and newest == last and version_tuple(match.group("version")) > last:
            moved = scores.pop("python-unsupported")
            _add(scores, evidence, "platform-unsupported", max(0.85, moved), evidence.pop("python-unsupported", []))
            notes["platform_note"] = (
                f"{match.group('name')} {'.'.join(map(str, last))} was the last release for {where}"
            )
            return


# What a log says about *this machine* that no wheel exists for. Only phrases that describe the
# machine are read (an interpreter banner, `uname`, a downloaded wheel, a base image), never lists of
# wheels a resolver skipped or offers, which name every platform.
_PLATFORM_SIGNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        (
            "a 32-bit Python",
            r"\b32 bit \((?:intel|x86)\)|\bpython3?\d{1,2}-32\b|\b32-bit python|\bpython[^\n]{0,20}\b32[- ]?bits?\b",
        ),
        ("a 32-bit or ARM Linux", r"\b(?:i[3-6]86|armv[67]l|armhf)\b(?! wheels)"),
        ("musl libc (Alpine Linux)", r"\balpine\b|\bmusl\b"),
        ("an ARM board (Raspberry Pi / Jetson)", r"\braspberry ?pi\b|\braspbian\b|\bjetson\b"),
        ("Intel (x86_64) macOS", r"(?:downloading|using cached|you're on macos)[^\n]*macosx_\d+_\d+_x86_64"),
    )
)
# Frameworks with no native build at all for an OS in the releases a `(from versions: none)` refers to.
_NO_NATIVE_BUILD = {("jaxlib", "windows")}
# Messages that name the Python version itself as the reason: they outrank any platform hint.
_PYTHON_PROOF = ("python/requires-python", "python/requires-python-meta", "python/uv-no-wheels", "solver/conda-python")
_WHEEL_TAG_RE = re.compile(
    r"-(?P<py>cp\d{2,3}|py3\d?)-[\w.]+-[\w.]+\.whl\b[^\n]*is not a supported wheel", re.IGNORECASE
)


def _platform_signs(scanner: Scanner, facts: dict[str, str], kb_said: bool = False) -> list[str]:
    text = "\n".join(line for _, line in scanner.numbered())
    found = [label for label, rx in _PLATFORM_SIGNS if rx.search(text)]
    for sid in ("python/no-version-framework", "python/no-matching-framework"):
        hit = scanner.hits.get(sid)
        match = _REQ_RE.match(hit.groups.get("req", "")) if hit else None
        name = match.group("name").lower() if match else (hit.groups.get("req", "").lower() if hit else "")
        if (
            hit
            and (name, facts.get("os", "")) in _NO_NATIVE_BUILD
            and not facts.get("newest_available")
            and not kb_said
        ):
            found.append(f"{name} on {facts['os']}")
    return found


def _rule_platform_evidence(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """ "No matching distribution" says only that no wheel fits; *which* tag does not fit comes from
    the rest of the log. When the log shows the machine is a platform without builds (32-bit Python,
    musl, ARM boards, Intel macOS, jaxlib on Windows) and nothing names the Python version as the
    reason, the cause is the platform. A wheel refused "on this platform" whose Python tag is not the
    interpreter's is the reverse: the Python version."""
    python = version_tuple(facts.get("python"))
    wheel = _WHEEL_TAG_RE.search("\n".join(e.text for e in evidence.get("platform-unsupported", [])))
    signs: list[str] = []
    if wheel and len(python) >= 2 and wheel.group("py").lower().startswith("cp"):
        wheel_py = wheel.group("py")[2:]
        if wheel_py != f"{python[0]}{python[1]}" and "platform-unsupported" in scores:
            moved = scores.pop("platform-unsupported")
            _add(scores, evidence, "python-unsupported", moved, evidence.pop("platform-unsupported", []))
            notes["python_note"] = (
                f"the wheel is for Python {wheel_py[0]}.{wheel_py[1:]}, the log shows Python {facts['python']}"
            )
            return
        if wheel_py == f"{python[0]}{python[1]}":
            signs.append("a wheel for this very Python refused for its platform tag")
    if "python-unsupported" not in scores or any(sid in scanner.hits for sid in _PYTHON_PROOF):
        return
    signs += _platform_signs(scanner, facts, kb_said="kb_verdict" in notes)
    if not signs:
        return
    moved = scores.pop("python-unsupported")
    _add(scores, evidence, "platform-unsupported", max(0.8, min(0.9, moved)), evidence.pop("python-unsupported", []))
    notes["platform_note"] = f"the log shows {signs[0]}, which has no build of this release"


# ---- the knowledge base: which platforms and Pythons a requested release has wheels for -------
_CONTEXT = "_context"  # notes key for (snapshot, kb) while the rules run
_KB_PACKAGE_RE = re.compile(r"^(?:tensorflow[\w-]*|tf-keras|keras|torch|jax|jaxlib|jax-cuda\d+-(?:plugin|pjrt))$")
_REQUEST_RE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[(?P<extras>[^\]]*)\])?\s*(?P<spec>[^;\s]*)")
_PLATFORM_NAMES = {
    "linux-x86_64": "Linux x86_64",
    "linux-aarch64": "Linux aarch64",
    "macos-arm64": "Apple silicon macOS",
    "macos-x86_64": "Intel macOS",
    "windows-x86_64": "Windows",
}
_SHIPPED_KB: list[Any] = []


def _shipped_kb() -> Any:
    """The shipped knowledge base, loaded on first use (and only then)."""
    if not _SHIPPED_KB:
        try:
            from envdoctor.knowledge import KnowledgeBase

            _SHIPPED_KB.append(KnowledgeBase.load())
        except Exception:  # advisory: without it the log-only reading stands
            _SHIPPED_KB.append(None)
    return _SHIPPED_KB[0]


def _requested(scanner: Scanner) -> tuple[str, str] | None:
    """(package, specifier) of the release pip found no wheel for."""
    for sid in ("python/no-matching-framework", "python/no-version-framework"):
        hit = scanner.hits.get(sid)
        req = hit.groups.get("req", "") if hit else ""
        match = _REQUEST_RE.match(req.strip("'\",)`"))
        if match:
            name = match.group("name").lower().replace("_", "-").rstrip(".-")
            return name, match.group("spec").rstrip(",)'\"`")
    return None


def _python_of(facts: dict[str, str], snapshot: Any) -> str | None:
    if snapshot is not None:
        minor = getattr(getattr(snapshot, "interpreter", None), "minor", "")
        return str(minor) if minor else None
    python = version_tuple(facts.get("python"))
    return f"{python[0]}.{python[1]}" if len(python) >= 2 and python[0] == 3 else None


def _machine(scanner: Scanner, facts: dict[str, str], snapshot: Any) -> tuple[str, ...]:
    if snapshot is not None:
        if getattr(getattr(snapshot, "interpreter", None), "bits", 64) == 32:
            return ()  # no platform key for a 32-bit Python: the log-only reading stands
        key = getattr(getattr(snapshot, "machine", None), "platform_key", "")
        return (key,) if key in _PLATFORM_NAMES else ()
    return machine_platforms((line for _, line in scanner.numbered()), facts.get("os"))


def _span(pythons: set[str]) -> str:
    ordered = sorted(pythons, key=version_tuple)
    if not ordered:
        return "none"
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}–{ordered[-1]}"


def _kb_verdict(
    kb: Any, name: str, spec: str, python: str | None, here: tuple[str, ...], newest_seen: str | None
) -> tuple[str, str, str] | None:
    """(cause, note, fix) from the releases matching the request, or None when the knowledge base
    cannot tell (unknown package or version, or a release that does fit this machine)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if name not in kb.packages():
        return None
    spec, _, local = spec.partition("+")
    if local.startswith("cu") and here:  # a CUDA build (torch +cu118, jaxlib +cuda12.cudnn89)
        return _cuda_build_verdict(kb, name, local, here)
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    releases = [r for r in kb.releases(name) if not r.yanked and wanted.contains(r.version, prereleases=True)]
    if not releases:
        return None
    here = _narrow_by_newest(kb, name, python, here, newest_seen, releases)
    if not here:
        return None
    if newest_seen and python:  # pip saw this release here: our reading of the machine must agree
        seen = kb.release(name, newest_seen)
        if seen is not None and seen.platforms and not any(python in seen.pythons(p) for p in here):
            return None

    def platforms(py: str | None) -> list[str]:
        return [p for p in _PLATFORM_NAMES if any((py in r.pythons(p)) if py else r.pythons(p) for r in releases)]

    label = f"{name} {spec.lstrip('=')}" if spec.startswith("==") else (f"{name} {spec}" if spec else name)
    where = " / ".join(_PLATFORM_NAMES[p] for p in here)
    if any(p in here for p in platforms(python)):
        return None  # a matching release fits this machine: the knowledge base explains nothing
    with_python = [p for p in platforms(python) if p not in here]
    any_python = [p for p in platforms(None) if p not in here]
    here_any = [p for p in platforms(None) if p in here]
    if (with_python or (not here_any and any_python)) and not here_any:
        others = with_python or any_python
        older = [r for r in kb.releases(name) if not r.yanked and any(r.pythons(p) for p in here)]
        if python:
            older = [r for r in older if any(python in r.pythons(p) for p in here)]
        note = f"{label} has no {where} wheels; it has wheels for {', '.join(_PLATFORM_NAMES[p] for p in others)}"
        fix = f"{label} has no {where} wheels: " + (
            "use WSL2 (Linux wheels) or Linux"
            if here == ("windows-x86_64",) and "linux-x86_64" in others
            else f"use a machine with {_PLATFORM_NAMES[others[0]]}"
        )
        if older:
            fix += f", or {name} {older[-1].version} on {where}"
        return "platform-unsupported", note, fix
    if with_python and here_any:
        note = f"{label} has {where} wheels, but not for Python {python}"
        pythons = {py for r in releases for p in here for py in r.pythons(p)}
        return "python-unsupported", note, f"{note}: use Python {_span(pythons)} there"
    if python and not with_python and any_python:
        pythons = {py for r in releases for p in _PLATFORM_NAMES for py in r.pythons(p)}
        newest = max(pythons, key=version_tuple)
        if spec.startswith("==") or version_tuple(python) > version_tuple(newest):
            note = f"{label} has wheels for Python {_span(pythons)} only, not {python}"
            return "python-unsupported", note, f"{note}: create an environment with Python {_span(pythons)}"
    return None


def _narrow_by_newest(
    kb: Any, name: str, python: str | None, here: tuple[str, ...], newest_seen: str | None, releases: list[Any]
) -> tuple[str, ...]:
    """The newest release pip could see, when it is the last one some platform has wheels for (and
    no Python's last), names that platform: Intel macOS sees TensorFlow up to 2.16.2 only."""
    if not newest_seen:
        return here
    seen = version_tuple(newest_seen)
    known = [r for r in kb.releases(name) if not r.yanked and r.platforms]
    if (
        not known
        or seen >= version_tuple(known[-1].version)
        or not any(version_tuple(r.version) > seen for r in releases)
    ):
        return here
    last_on: dict[str, tuple[int, ...]] = {}
    last_for: dict[str, tuple[int, ...]] = {}
    for rel in known:
        for plat in rel.platforms:
            last_on[plat] = max(last_on.get(plat, ()), version_tuple(rel.version))
            for py in rel.pythons(plat):
                last_for[py] = max(last_for.get(py, ()), version_tuple(rel.version))
    ending = [p for p in _PLATFORM_NAMES if last_on.get(p) == seen]
    if not here or not ending or (python and last_for.get(python) == seen):
        return here
    both = tuple(p for p in here if p in ending)
    return both or here


def _cuda_build_verdict(kb: Any, name: str, local: str, here: tuple[str, ...]) -> tuple[str, str, str] | None:
    """CUDA builds exist for Linux (and, for PyTorch, Windows) only; jaxlib's CUDA wheels are the
    jax-cuda plugins, which the knowledge base lists per platform."""
    if name == "jaxlib":
        plugins = [p for p in kb.packages() if p.startswith("jax-cuda")]
        cuda_on = {plat for p in plugins for r in kb.releases(p) for plat in r.platforms}
    elif name == "torch":
        cuda_on = {"linux-x86_64", "linux-aarch64", "windows-x86_64"}
    else:
        return None
    if not cuda_on or any(p in cuda_on for p in here):
        return None
    where = " / ".join(_PLATFORM_NAMES[p] for p in here)
    builds = ", ".join(_PLATFORM_NAMES[p] for p in _PLATFORM_NAMES if p in cuda_on)
    note = f"{name} CUDA builds (+{local}) exist for {builds} only, not {where}"
    return "platform-unsupported", note, f"{note}: install the CPU build here, or use a Linux machine (or WSL2)"


def _rule_kb_platform(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """pip's "No matching distribution found for X==V" says no wheel fits, not whether the Python
    version or the platform is what does not fit. When the log (or the snapshot) shows the machine's
    OS, the knowledge base tells: releases matching the request with wheels for this Python on other
    platforms but not on this one -> platform-unsupported; no platform with wheels for this Python
    -> python-unsupported. Unknown OS, package or version: the log-only reading stands."""
    if "python-unsupported" not in scores or any(
        sid in scanner.hits for sid in ("python/uv-no-wheels", "solver/conda-python")
    ):
        return
    request = _requested(scanner)
    if request is None or not _KB_PACKAGE_RE.match(request[0]):
        return
    name, spec = request
    for sid in ("python/requires-python", "python/requires-python-meta"):
        hit = scanner.hits.get(sid)
        wanted = spec.lstrip("=<>~!")
        if hit and (not wanted or any(wanted in e.text for e in hit.evidence)):
            return  # pip itself names the Python version as the reason for this very release
    snapshot, kb = notes.get(_CONTEXT, (None, None))
    here = _machine(scanner, facts, snapshot)
    if not here:
        return
    kb = kb if kb is not None and hasattr(kb, "releases") else _shipped_kb()
    if kb is None:
        return
    try:
        verdict = _kb_verdict(kb, name, spec, _python_of(facts, snapshot), here, facts.get("newest_available"))
    except Exception:  # the knowledge base is advisory
        return
    if verdict is None:
        return
    cause, note, fix = verdict
    notes["kb_verdict"] = cause
    notes["kb_fix"] = fix
    if cause == "platform-unsupported":
        moved = scores.pop("python-unsupported")
        _add(scores, evidence, cause, max(0.85, min(0.92, moved)), evidence.pop("python-unsupported", []))
        notes["platform_note"] = note
    else:
        scores["python-unsupported"] = min(0.95, scores["python-unsupported"] + 0.1)
        notes["python_note"] = note


# A prompt of an activated env other than base that starts IPython / Jupyter: when the env lacks
# them, the shell finds the base env's (or the system's), whose Python cannot see the env's packages.
_ENV_SHELL_RE = re.compile(
    r"^\((?!base\))[\w.-]+\)[^\n]*?[$>%#]\s*(?:ipython3?|jupyter(?:-notebook|-lab)?(?: notebook| lab)?)\s*$",
    re.MULTILINE,
)

# An env other than base made active (`conda activate tf`, conda info's "active environment : tf").
_ENV_ACTIVATED_RE = re.compile(
    r"\b(?:conda|source) activate (?!base\b)[\w.-]+|active environment : (?!base\b|none\b)[\w.-]+"
)


# A bytecode file of one Python (`__init__.cpython-34.pyc`) under another Python's site-packages
# (`lib/python2.7/site-packages`): this interpreter imports a package installed for another one.
_FOREIGN_PYC_RE = re.compile(
    r"lib[\\/]python(\d)\.(\d+)[\\/](?:site|dist)-packages[\\/][^\s'\"`]*?\.cpython-(\d)(\d+)\.pyc"
)


def _rule_env_leak(
    scores: dict[str, float],
    evidence: dict[str, list[Evidence]],
    facts: dict[str, str],
    conflicts: list[Conflict],
    tags: set[str],
    scanner: Scanner,
    notes: dict[str, Any],
) -> None:
    """Two Python installations in one log: the user site (or the conda base) next to the env / venv
    in use, or two interpreters (the shell's and the Jupyter kernel's). A weaker sign than any error
    message, so a specific cause still wins."""
    numbered = scanner.numbered()
    found = installs(numbered)
    text = "\n".join(line for _, line in numbered).lower()
    jupyter = bool(JUPYTER_RE.search(text))
    asks_interpreter = any(k in text for k in ("sys.executable", "which python", "where python", "sys.path"))
    missing = "no module named" in text
    # `(myenv) $ ipython` / `jupyter notebook` in an activated env that lacks them runs the base's
    shell_in_env = bool(
        missing and (_ENV_SHELL_RE.search(text) or ((jupyter or "ipython" in text) and _ENV_ACTIVATED_RE.search(text)))
    )
    # conda installed the package, yet the interpreter the shell finds is no conda one
    conda_has_it = bool(re.search(r"\bconda (?:install|list)\b", text))
    foreign_interpreter = (
        missing
        and conda_has_it
        and asks_interpreter
        and (found.has("system") or found.has("user"))
        and not (found.has("conda-env") or found.has("conda-base"))
    )
    envish = found.has("conda-env") or found.has("venv")
    two = found.count() >= 2
    foreign = _FOREIGN_PYC_RE.search(text)
    signs = (
        (0.8, bool(foreign and foreign.group(1, 2) != foreign.group(3, 4))),  # Python X.Y importing A.B's packages
        (0.75, found.has("user") and (envish or found.has("conda-base"))),  # user site + an env
        (0.7, found.has("conda-base") and envish),  # the conda base + an env
        (0.7, two and (jupyter or asks_interpreter)),  # two interpreters, one of them the kernel's
        (0.6, found.has("user") and jupyter),  # a kernel importing from the user site
        (0.55, jupyter and asks_interpreter and missing),  # kernel cannot see the env
        (0.6, shell_in_env),  # ipython / jupyter of the base env started from an activated env
        (0.6, foreign_interpreter),  # conda has the package, the shell's python is another one
    )
    score = max((weight for weight, shown in signs if shown), default=0.0)
    if score and two and (jupyter or asks_interpreter):
        score = min(0.85, score + 0.1)
    if max((v for k, v in scores.items() if k != "env-leakage"), default=0.0) >= 0.7:
        score = min(score, 0.65)  # circumstantial: an error message that names a cause wins
    if not score:
        return
    lines = [
        Evidence(number, line, "env-leak/foreign-bytecode")
        for number, line in numbered
        if foreign and foreign.group(0) in line.lower()
    ][:2]
    lines += [
        Evidence(number, line, "env-leak/installs")
        for kind in ("user", "conda-base", "conda-env", "venv", "system")
        for number, line in found.lines.get(kind, [])[:2]
    ]
    _add(scores, evidence, "env-leakage", score, lines)


RULES = (
    _rule_conflict_kind,
    _rule_python_version,
    _rule_kb_platform,
    _rule_last_platform_release,
    _rule_platform_evidence,
    _rule_gpu_check_result,
    _rule_windows_tf_gpu,
    _rule_windows_cpu_torch,
    _rule_env_leak,
)
