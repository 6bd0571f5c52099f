"""Take the home folder and the user name out of a report before it is shared.

The home folder becomes `~`; the user name, where it stands as a whole path segment or before
`@host`, becomes `<user>`. Homes come from this machine (`~`, $USER) and, for a snapshot taken
elsewhere, from its user site (`/home/bob/.local/lib/python3.11/site-packages` -> `/home/bob`).
Both the plain and the JSON-escaped spellings of Windows paths are replaced.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Identity:
    home: str
    user: str


def identities(user_sites: Iterable[str | None] = ()) -> list[Identity]:
    """This machine's home and user, plus those a snapshot's user site reveals."""
    found: list[Identity] = []
    home = os.path.expanduser("~")
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.path.basename(home)
    if home and home not in ("/", "~"):
        found.append(Identity(home.rstrip("/\\"), user))
    for site in user_sites:
        if not site:
            continue
        for marker in ("/.local/", "\\AppData\\", "/Library/Python/"):
            if marker in site:
                other = site.split(marker, 1)[0]
                if other and all(other != i.home for i in found):
                    found.append(Identity(other, re.split(r"[/\\]", other)[-1]))
    return found


def redact_data(data: Any, people: Sequence[Identity]) -> Any:
    """Every string inside plain data (dicts, lists), redacted; keys too (env var values only are
    data, but a path can be a key, as in `files`)."""
    if isinstance(data, str):
        return redact(data, people)
    if isinstance(data, list):
        return [redact_data(item, people) for item in data]
    if isinstance(data, dict):
        return {redact(str(k), people): redact_data(v, people) for k, v in data.items()}
    return data


def redact(text: str, people: Iterable[Identity]) -> str:
    # longest homes first, so /home/al does not cut /home/alice
    for person in sorted(people, key=lambda p: -len(p.home)):
        escaped = json.dumps(person.home)[1:-1]  # C:\\Users\\me inside JSON strings
        for spelling in {person.home, escaped}:
            text = re.sub(re.escape(spelling) + r"(?=$|[/\\\"'\s:;,)\]}])", "~", text)
        if len(person.user) >= 2 and person.user not in ("root", "user"):
            name = re.escape(person.user)
            text = re.sub(rf"(?<=[/\\]){name}(?=[/\\])", "<user>", text)
            text = re.sub(rf"\b{name}@", "<user>@", text)
    return text
