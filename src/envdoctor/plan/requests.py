"""The user's requests to `plan`: spec text parsed into framework requests (family, variant, specifier, extras, the
GPU spelling) and the other requirements.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from envdoctor import frameworks
from envdoctor.errors import UsageError
from envdoctor.frameworks import Framework

if TYPE_CHECKING:
    pass


DEFAULT_PYTHON = "3.12"


NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def framework_of(family: str) -> Framework:
    found = frameworks.get(family)
    if found is None:
        raise UsageError(f"unknown framework {family!r}")
    return found


@dataclass
class Request:
    family: str
    name: str  # as the user wrote it, normalized
    specifier: SpecifierSet
    extras: tuple[str, ...]
    gpu_hint: bool | None
    text: str
    cuda_major: str = ""  # "13" when asked for jax[cuda13] (a CUDA plugin's major)

    @property
    def label(self) -> str:
        return f"{self.family}{self.specifier}" if str(self.specifier) else self.family


def parse_requirement(text: str) -> Requirement:
    try:
        return Requirement(text.strip())
    except InvalidRequirement as exc:
        raise UsageError(f"not a requirement: {text!r} ({exc})") from None


def split_requests(specs: Sequence[str]) -> tuple[list[Request], list[Requirement], list[str]]:
    """Framework requests, the user's other requirements, and notes (renames)."""
    requests: dict[str, Request] = {}
    others: list[Requirement] = []
    notes: list[str] = []
    for text in specs:
        req = parse_requirement(text)
        framework = frameworks.of_request(req.name)
        if framework is None:
            others.append(req)
            continue
        family = framework.key
        name = canonicalize_name(req.name)
        variant = framework.variant(name)
        extras = tuple(sorted(req.extras))
        hint: bool | None = None
        if variant is not None and variant.removed:
            hint = True
            notes.append(
                f"{text}: {variant.note or name + ' was removed'}; planned as {framework.distribution} with its GPU "
                "build instead"
            )
        elif (variant is not None and variant.cpu_only) or (framework.cpu_extra and framework.cpu_extra in extras):
            hint = False
        if any(frameworks.is_gpu_extra(e) for e in extras):
            hint = True
        plugins = framework.plugins
        cuda_major = next((m for e in extras for m in [plugins.extra_major(e)] if m), "") if plugins else ""
        extras = tuple(e for e in extras if not frameworks.is_gpu_extra(e))
        if family in requests:
            prev = requests[family]
            prev.specifier &= req.specifier
            prev.extras = tuple(sorted(set(prev.extras) | set(extras)))
            prev.gpu_hint = hint if hint is not None else prev.gpu_hint
            prev.cuda_major = cuda_major or prev.cuda_major
        else:
            requests[family] = Request(family, name, SpecifierSet(str(req.specifier)), extras, hint, text, cuda_major)
    return list(requests.values()), others, notes
