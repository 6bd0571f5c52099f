"""Actions that run things in (or change) an environment: verify, create, fix, restore.

Everything here is I/O around the pure core: it starts the target interpreter, uv, conda / mamba /
micromamba or py-rattler. Modules:

- `target`: which interpreter a command is about (`--python` / `--prefix` / the active env) and
  the few facts about it that actions need (prefix, site-packages, version);
- `verify` (+ `_verify_inside`, the stdlib-only script the target interpreter runs): import each
  installed framework in its own subprocess, time it, run a tiny computation on every device;
- `interpreters`, `uvtool`, `envfile`, `create`: build a planned environment;
- `restore`: restore points (the exact installed set, recorded before anything changes) and the
  journal of a fix;
- `fixplan` (pure: findings -> ordered, merged steps) and `fix` (apply, re-check, roll back).
"""
