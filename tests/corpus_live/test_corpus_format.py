"""Every corpus log has a well-formed header, a known cause id and a source no other log uses;
the live corpus's cases (bench/live_corpus.py) are well-formed too. Hermetic: reads files only."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.corpus_live.corpus import (
    CAUSES,
    CONFIDENCES,
    ROOT,
    CorpusLog,
    HeaderError,
    load_split,
    normalise_source,
    parse,
    splits,
)

# sets collected since label confidence was recorded: both headers are required there
LABELLED_SPLITS = (
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
    "blind13",
    "blind14",
    "blind15",
    "blind16",
    "blind17",
    "blind18",
    "blind19",
    "blind20",
    "blind21",
    "blind22",
    "blind23",
    "blind24",
    "blind25",
    "blind26",
    "blind27",
    "blind28",
    "blind29",
    "blind30",
    "blind31",
    "blind32",
    "blind33",
    "blind34",
    "blind35",
    "blind36",
    "blind37",
    "blind38",
    "blind39",
    "blind40",
    "blind41",
    "blind42",
    "blind43",
    "blind44",
    "blind45",
    "blind46",
    "blind47",
    "blind48",
    "blind49",
    "blind50",
    "blind51",
    "blind52",
    "blind53",
    "blind54",
    "blind55",
    "blind56",
    "blind57",
    "blind58",
    "blind59",
    "blind60",
    "blind61",
    "blind62",
    "blind63",
    "blind64",
    "blind65",
    "blind66",
    "blind67",
    "blind68",
    "blind69",
    "blind70",
    "blind71",
    "blind72",
    "blind73",
)
# the blind sets collected together in one round, before one round of engine changes
BLIND_ROUNDS = (
    ("blind5", "blind6"),
    ("blind7", "blind8"),
    ("blind9",),
    ("blind10",),
    ("blind11",),
    ("blind12", "blind13"),
    ("blind14", "blind15"),
    ("blind16", "blind17"),
    ("blind18", "blind19"),
    ("blind20", "blind21"),
    ("blind22", "blind23"),
    ("blind24", "blind25"),
    ("blind26", "blind27"),
    ("blind28", "blind29"),
    ("blind30", "blind31"),
    ("blind32", "blind33"),
    ("blind34", "blind35"),
    ("blind36", "blind37"),
    ("blind38", "blind39"),
    ("blind40", "blind41"),
    ("blind42", "blind43"),
    ("blind44", "blind45"),
    ("blind46", "blind47"),
    ("blind48", "blind49"),
    ("blind50", "blind51"),
    ("blind52", "blind53"),
    ("blind54", "blind55"),
    ("blind56", "blind57"),
    ("blind58", "blind59"),
    ("blind60", "blind61"),
    ("blind62", "blind63"),
    ("blind64", "blind65"),
    ("blind66", "blind67"),
    ("blind68", "blind69"),
    ("blind70", "blind71"),
    ("blind72", "blind73"),
)


def all_logs() -> list[CorpusLog]:
    return [log for split in splits() for log in load_split(split)]


def test_every_corpus_header_is_well_formed() -> None:
    errors: list[str] = []
    count = 0
    for split in splits():
        for path in sorted((ROOT / "tests" / "corpus" / split).iterdir()):
            count += 1
            if path.suffix != ".log":
                errors.append(f"{path}: not a .log file")
                continue
            try:
                parse(path, split)
            except HeaderError as exc:
                errors.append(str(exc))
    assert count > 0
    assert not errors, "\n".join(errors)


def test_every_cause_is_a_known_id() -> None:
    unknown = [f"{log.path}: {log.cause}" for log in all_logs() if log.cause not in CAUSES]
    assert not unknown, "\n".join(unknown)


def test_label_confidence_and_why() -> None:
    problems: list[str] = []
    for log in all_logs():
        confidence = log.header.get("label-confidence")
        if confidence is not None and confidence not in CONFIDENCES:
            problems.append(f"{log.path}: label-confidence {confidence!r}")
        if log.split in LABELLED_SPLITS and (confidence is None or not log.header.get("why")):
            problems.append(f"{log.path}: needs label-confidence and why")
    assert not problems, "\n".join(problems)


def test_every_log_has_a_body() -> None:
    empty = [str(log.path) for log in all_logs() if not log.body.strip()]
    assert not empty, "\n".join(empty)


def test_sources_are_unique_across_the_corpus() -> None:
    seen: dict[str, list[str]] = {}
    for log in all_logs():
        seen.setdefault(normalise_source(log.source), []).append(f"{log.split}/{log.path.name}")
    duplicates = {k: v for k, v in seen.items() if len(v) > 1}
    assert not duplicates, duplicates


@pytest.mark.parametrize("round_splits", BLIND_ROUNDS, ids="+".join)
def test_new_blind_sets_cover_the_cause_table(round_splits: tuple[str, ...]) -> None:
    """Each round's blind sets together hold every cause id, each set 40-50 logs (round 25: 47 and 48;
    round 28's blind64 holds 31, the search budget ran out while it was collected)."""
    causes: Counter[str] = Counter()
    for split in round_splits:
        logs = load_split(split)
        floor = 31 if split == "blind64" else 40
        assert floor <= len(logs) <= 50, (split, len(logs))
        causes.update(log.cause for log in logs)
    # `unknown` is a label, not a cause of the table: a round need not hold a log of it
    table = set(CAUSES) - {"unknown"}
    assert set(causes) - {"unknown"} == table, sorted(table - set(causes))


def test_a_blind_set_repeats_a_repository_at_most_three_times() -> None:
    """blind7 on: no repository supplies more than 3 threads of one set (source diversity)."""
    crowded: dict[str, list[str]] = {}
    for split in LABELLED_SPLITS[2:]:
        repos = Counter(log.header["repo"] for log in load_split(split))
        over = [f"{repo} x{n}" for repo, n in repos.items() if n > 3 and repo != "(web page)"]
        if over:
            crowded[split] = over
    assert not crowded, crowded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cause: numpy-abi\nsource: x\nrepo: r\ntags: t\nlog without separator\n", "no '---'"),
        ("cause: numpy-abi\nsource: x\nrepo: r\n---\nlog\n", "lacks tags"),
        ("cause: numpy-abi\ncause: unknown\nsource: x\nrepo: r\ntags: t\n---\nlog\n", "given twice"),
        ("cause: numpy-abi\nsource: x\nrepo: r\ntags: t\nlabel: high\n---\nlog\n", "unknown header key"),
        ("cause numpy-abi\nsource: x\nrepo: r\ntags: t\n---\nlog\n", "not a 'key: value'"),
    ],
)
def test_parser_rejects_malformed_headers(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.log"
    path.write_text(text)
    with pytest.raises(HeaderError, match=re.escape(message)):
        parse(path, "tmp")


def test_normalise_source_joins_spellings_of_one_thread() -> None:
    a = normalise_source("https://github.com/Owner/Repo/issues/12/")
    assert a == normalise_source("http://www.github.com/owner/repo/pull/12#issuecomment-1")
    assert a != normalise_source("https://github.com/owner/repo/issues/13")


def live_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("live_corpus", ROOT / "bench" / "live_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["live_corpus"] = module
    spec.loader.exec_module(module)
    return module


def test_live_corpus_cases_are_well_formed(tmp_path: Path) -> None:
    live = live_module()
    cases = live.all_cases("0.0.0", True)
    assert len(cases) >= 60
    corpus_sources = {normalise_source(log.source) for log in all_logs()}
    sources: set[str] = set()
    for case in cases:
        path = tmp_path / f"{case.id}.log"
        path.write_text(live.header(case) + "(.venv) $ true\n")
        log = parse(path, "live")
        assert log.cause == case.cause in CAUSES, case.id
        assert log.header["label-confidence"] == "high"
        assert normalise_source(log.source) not in corpus_sources | sources, case.id
        sources.add(normalise_source(log.source))
        re.compile(case.expect)
        assert any(step.logged for step in case.steps), case.id
    pips = {case.pip for case in cases if case.tool.startswith("pip ")}
    assert len(pips) >= 6, pips
    assert any(case.tool.startswith("uv ") for case in cases)
    assert set(Counter(case.cause for case in cases)) >= CAUSES - {
        # what this Linux machine without a GPU or Windows cannot plant for real
        "cuda-libs-missing",
        "cuda-version-mismatch",
        "driver-too-old",
        "cpu-instructions",
        "msvc-runtime-missing",
        "windows-long-paths",
    }
