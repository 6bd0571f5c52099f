"""uv commands: index options and `uv pip` lines (the binary and its environment: probe.tools)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envdoctor.probe.tools import uv_binary as uv_binary
from envdoctor.probe.tools import uv_env as uv_env

if TYPE_CHECKING:
    import argparse


@dataclass
class IndexOptions:
    """Where packages come from: passed through to every uv install / sync."""

    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    no_index: bool = False
    offline: bool = False

    def args(self) -> list[str]:
        out: list[str] = []
        if self.index_url:
            out += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            out += ["--extra-index-url", url]
        for link in self.find_links:
            out += ["--find-links", link]
        if self.no_index:
            out.append("--no-index")
        if self.offline:
            out.append("--offline")
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "index_url": self.index_url,
            "extra_index_urls": list(self.extra_index_urls),
            "find_links": list(self.find_links),
            "no_index": self.no_index,
            "offline": self.offline,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> IndexOptions:
        def strs(value: object) -> list[str]:
            return [str(v) for v in value] if isinstance(value, list) else []

        index_url = data.get("index_url")
        return cls(
            index_url=str(index_url) if index_url else None,
            extra_index_urls=strs(data.get("extra_index_urls")),
            find_links=strs(data.get("find_links")),
            no_index=bool(data.get("no_index")),
            offline=bool(data.get("offline")),
        )


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    """--index-url / --extra-index-url / --find-links / --no-index / --offline (passed to uv)."""
    group = parser.add_argument_group("package index (passed to uv)")
    group.add_argument("--index-url", metavar="URL", help="base URL of the package index")
    group.add_argument("--extra-index-url", metavar="URL", action="append", default=[], help="another index")
    group.add_argument(
        "--find-links",
        metavar="DIR_OR_URL",
        action="append",
        default=[],
        help="a folder or page of wheels to install from",
    )
    group.add_argument("--no-index", action="store_true", help="use only --find-links")
    group.add_argument("--offline", action="store_true", help="use only uv's cache")


def index_options(args: object) -> IndexOptions:
    return IndexOptions(
        index_url=getattr(args, "index_url", None),
        extra_index_urls=list(getattr(args, "extra_index_url", None) or []),
        find_links=[os.path.abspath(p) if os.path.isdir(p) else p for p in (getattr(args, "find_links", None) or [])],
        no_index=bool(getattr(args, "no_index", False)),
        offline=bool(getattr(args, "offline", False)),
    )


def uv_pip(subcommand: str, python: str, *rest: str, index: IndexOptions | None = None) -> list[str]:
    """argv for `uv pip <subcommand> --python <python> [index options] rest...`."""
    argv = [uv_binary(), "pip", subcommand, "--python", python]
    if index is not None and subcommand in ("install", "sync", "compile"):
        argv += index.args()
    return argv + list(rest)
