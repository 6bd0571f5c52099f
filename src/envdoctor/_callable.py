"""`envdoctor.explain(...)` and `envdoctor.plan(...)` are API functions whose names are also
subpackages: the subpackage's module object calls the function of the same name in envdoctor.api.
(Typed code can import the functions from envdoctor.api directly.)"""

from __future__ import annotations

import sys
import types


class CallableModule(types.ModuleType):
    def __call__(self, *args: object, **kwargs: object) -> object:
        # lazy: keeps envdoctor.api out of the explain and plan verbs' start-up (2.7 ms, 2 modules)
        from envdoctor import api

        function = getattr(api, self.__name__.rsplit(".", 1)[-1])
        return function(*args, **kwargs)


def make_callable(module_name: str) -> None:
    sys.modules[module_name].__class__ = CallableModule
