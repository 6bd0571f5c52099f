"""`envdoctor completion bash|zsh|fish`: the shell completion script, generated from the parser.

    eval "$(envdoctor completion bash)"            # ~/.bashrc
    eval "$(envdoctor completion zsh)"             # ~/.zshrc
    envdoctor completion fish | source             # ~/.config/fish/config.fish

argcomplete does the work: the script calls envdoctor back with `_ARGCOMPLETE` set, and the CLI
answers from the full parser (every verb, its options and their choices).
"""

from __future__ import annotations

import argparse

from envdoctor import exitcodes

SHELLS = ("bash", "zsh", "fish")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    # lazy: kept out of `completion --help` (8.2 ms, 19 modules: argcomplete)
    from argcomplete.shell_integration import shellcode

    from envdoctor.render import formats  # lazy: kept out of `completion --help` (18 ms, 16 modules)

    # lazy: kept out of `completion --help` (28 ms, 18 modules) and completion (13 ms)
    from envdoctor.render.views.snapshot import completion_document

    formats.show(completion_document(args.shell, shellcode(["envdoctor"], shell=args.shell)), args.format)
    return exitcodes.OK
