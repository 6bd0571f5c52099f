"""envdoctor.names.canonicalize_name is packaging.utils.canonicalize_name (PEP 503), without the
import of packaging.tags on check's path: the same answer for every name envdoctor meets."""

from __future__ import annotations

from packaging.utils import canonicalize_name as reference

from envdoctor.knowledge import KnowledgeBase
from envdoctor.names import canonicalize_name

TRICKY = [
    "Typing_Extensions",
    "zope.interface",
    "ruamel.yaml.clib",
    "tensorflow-io-gcs-filesystem",
    "NVIDIA_CUDNN_CU12",
    "a__b..c--d",
    "A-_.-B",
    "Django",
    "x",
    "pkg.",
    "-leading",
]


def test_the_same_as_packaging() -> None:
    kb = KnowledgeBase.load()
    names = TRICKY + list(kb.packages()) + [n.upper().replace("-", "_") for n in kb.packages()]
    assert len(names) > 20
    for name in names:
        assert canonicalize_name(name) == reference(name), name
