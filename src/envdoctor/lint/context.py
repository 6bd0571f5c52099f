"""What file rules (scope "file") see: the parsed file, the KB and the target platform. Its own
type, not check's `Context`: a file has entries, not installed distributions."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from envdoctor import frameworks as _frameworks
from envdoctor.knowledge import view as kbview
from envdoctor.lint.files import Entry, EnvFile
from envdoctor.model import Location

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource

CUDA_CONDA_PACKAGES = ("cudatoolkit", "cudnn", "cuda-version", "cuda-toolkit", "cuda-runtime")


class FileContext:
    """An environment file with the knowledge to judge it by."""

    def __init__(self, envfile: EnvFile, kb: KnowledgeSource, platform: str = "linux-x86_64") -> None:
        self.kb = kb
        self.file = envfile
        self.platform = platform

    @cached_property
    def frameworks(self) -> dict[str, Entry]:
        """Framework entries by family (a `frameworks` key: "tensorflow", "torch", ...), first one wins."""
        found: dict[str, Entry] = {}
        for entry in self.file.entries:
            family = _frameworks.requested_family(entry.name)
            if family and family not in found:
                found[family] = entry
        return found

    def location(self, entry: Entry | None = None, *, line: int | None = None) -> Location:
        """The file position of `entry` (its text's column on its line), or of `line`."""
        number = entry.line if entry is not None else (line or 1)
        raw = self.file.lines[number - 1] if 0 < number <= len(self.file.lines) else ""
        column = raw.find(entry.text) + 1 if entry is not None and entry.text and entry.text in raw else 1
        if column == 1 and raw.strip():
            column = len(raw) - len(raw.lstrip()) + 1
        return Location(self.file.path, number, column)

    def entry(self, name: str) -> Entry | None:
        return next((e for e in self.file.entries if e.name == name), None)

    def framework_versions(self, family: str, entry: Entry) -> list[Version]:
        """The known releases the entry allows, newest first (what an installer would pick from)."""
        spec = entry.specifier if entry.specifier is not None else SpecifierSet()
        return [v for v in kbview.releases(self.kb, self.package(family)) if spec.contains(v)]

    @staticmethod
    def package(family: str) -> str:
        """The knowledge-base package of a framework family: its main distribution."""
        framework = _frameworks.get(family)
        return framework.distribution if framework else family

    @cached_property
    def windows(self) -> bool:
        if self.platform.startswith("windows"):
            return True
        return any("win32" in e.marker or "Windows" in e.marker for e in self.file.entries)
