"""The framework families and the package names that belong to each. Stdlib only, cheap to import.

One table, `NAMES`; each name says where it counts:
- "installed": a distribution that is the framework once installed (check's rules, verify, fix);
- "request": a name a user writes in a spec or an environment file (plan, lint). These are the
  main PyPI builds plus conda's "pytorch"; the nightlies and vendor builds are not planned.
"""

from __future__ import annotations

from envdoctor.names import canonicalize_name

FAMILIES = ("tensorflow", "torch", "jax")

#: name -> (family, where the name counts)
NAMES: dict[str, tuple[str, frozenset[str]]] = {
    "tensorflow": ("tensorflow", frozenset({"installed", "request"})),
    "tensorflow-cpu": ("tensorflow", frozenset({"installed", "request"})),
    "tensorflow-gpu": ("tensorflow", frozenset({"installed", "request"})),
    "tensorflow-intel": ("tensorflow", frozenset({"installed", "request"})),
    "tensorflow-macos": ("tensorflow", frozenset({"installed", "request"})),
    "tensorflow-aarch64": ("tensorflow", frozenset({"installed"})),
    "tensorflow-cpu-aws": ("tensorflow", frozenset({"installed"})),
    "tf-nightly": ("tensorflow", frozenset({"installed"})),
    "tf-nightly-cpu": ("tensorflow", frozenset({"installed"})),
    "tf-nightly-gpu": ("tensorflow", frozenset({"installed"})),
    "intel-tensorflow": ("tensorflow", frozenset({"installed"})),
    "torch": ("torch", frozenset({"installed", "request"})),
    "pytorch": ("torch", frozenset({"request"})),  # conda's name; never an installed distribution
    "jax": ("jax", frozenset({"installed", "request"})),
}

#: installed distribution name (normalized) -> family
DISTRIBUTIONS: dict[str, str] = {name: family for name, (family, where) in NAMES.items() if "installed" in where}
#: name a user may ask for (normalized) -> family
REQUEST_NAMES: dict[str, str] = {name: family for name, (family, where) in NAMES.items() if "request" in where}
TENSORFLOW_DISTRIBUTIONS = tuple(name for name, family in DISTRIBUTIONS.items() if family == "tensorflow")


#: distributions the `tensorflow` package installs itself on some platforms (same version): a user
#: reinstalls (or upgrades) them through the distribution they asked for
INSTALLED_AS = {
    "tensorflow-intel": "tensorflow",
    "tensorflow-cpu-aws": "tensorflow",
    "tensorflow-gpu": "tensorflow",
    "tf-nightly-gpu": "tf-nightly",
}


def user_distribution(name: str) -> str:
    """The distribution to name in an install for installed `name`: itself (variants are kept:
    tensorflow-cpu stays tensorflow-cpu), except the platform stubs `tensorflow` pulls in."""
    key = canonicalize_name(name)
    return INSTALLED_AS.get(key, key)


def framework_family(name: str) -> str | None:
    """The family of an installed distribution ("tensorflow-cpu" -> "tensorflow"), else None."""
    return DISTRIBUTIONS.get(canonicalize_name(name))


def requested_family(name: str) -> str | None:
    """The family of a name in a spec or environment file ("pytorch" -> "torch"), else None."""
    return REQUEST_NAMES.get(canonicalize_name(name))
