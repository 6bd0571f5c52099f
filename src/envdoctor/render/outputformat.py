"""The output formats, apart from the document model: the CLI reads them at start-up (the
document's dataclasses cost ~10 ms to import, which a cached `check` never needs)."""

from __future__ import annotations

import enum


class OutputFormat(str, enum.Enum):
    """The output formats envdoctor knows; what each verb offers is `cli.VERB_FORMATS`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"  # GitHub Actions annotations (the findings only)
    HTML = "html"  # one self-contained page

    def __str__(self) -> str:
        return self.value
