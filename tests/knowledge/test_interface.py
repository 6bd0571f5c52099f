"""The knowledge-base interface: the real knowledge base and the null source answer every query
of `KnowledgeSource` with the same signature, and the tolerant view reads a source that knows
nothing as "unknown"."""

from __future__ import annotations

import inspect

import pytest
from packaging.version import Version

from envdoctor.knowledge import EmptyKnowledge, KnowledgeBase, KnowledgeSource
from envdoctor.knowledge import view as kbview
from envdoctor.plan import Target, choose
from tests.gpu.conftest import FakeKB as GpuFakeKB
from tests.plan.fakekb import FakeKB

QUERIES = sorted(
    name for name, member in vars(KnowledgeSource).items() if callable(member) and not name.startswith("_")
)


def _parameters(func: object) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(func).parameters.values()]  # type: ignore[arg-type]


def test_the_interface_has_the_queries_rules_plan_and_lint_ask() -> None:
    assert {"releases", "release", "pythons", "build", "min_driver", "requirements", "removed"} <= set(QUERIES)


@pytest.mark.parametrize("source", [KnowledgeBase, EmptyKnowledge, FakeKB, GpuFakeKB])
@pytest.mark.parametrize("query", QUERIES)
def test_each_source_answers_each_query_with_the_interface_signature(source: type, query: str) -> None:
    method = getattr(source, query, None)
    assert callable(method), f"{source.__name__} lacks {query}"
    assert _parameters(method) == _parameters(getattr(KnowledgeSource, query))


def test_the_view_reads_an_empty_source_as_unknown() -> None:
    kb = EmptyKnowledge()
    assert kbview.releases(kb, "tensorflow") == []
    assert kbview.pythons(kb, "tensorflow", Version("2.15.0"), "linux-x86_64") == []
    assert kbview.build(kb, "tensorflow", Version("2.15.0")) == (None, None)
    assert kbview.min_driver(kb, "12.2") == (None, None, "")
    assert kbview.requirements(kb, "tensorflow", Version("2.15.0")) == []


def test_planning_leaves_the_knowledge_base_as_it_was() -> None:
    """plan keeps what it learns in its own memo, not on the knowledge base object."""
    kb = FakeKB()
    before = dict(vars(kb))
    assert choose(["tensorflow==2.15.*"], Target(python="3.11", gpu=False), kb).feasible
    assert vars(kb) == before


def test_the_real_release_lookup_matches_a_scan() -> None:
    kb = KnowledgeBase.load(prefer_user_cache=False)
    package = next(p for p in kb.packages() if kb.releases(p))
    for release in kb.releases(package)[:50]:
        assert kb.release(package, release.version) == next(
            r for r in kb.releases(package) if Version(r.version) == Version(release.version)
        )
    assert kb.release(package, "0.0.0.dev0") is None
