"""Perturb a Python handler process's sources of non-determinism and record where user code read them.

Installed in the handler's own process (never in the server): the wall clock moves by 37 h 13 min per seed,
and ``random``, ``uuid``, ``os.urandom`` and ``secrets`` draw from a separate seeded stream. A
replay that reads any of them outside a step then takes a different path or produces different
data than the recorded run. Each read made directly by user code (not the standard library or
site-packages) is logged as a probe with its file, line and whether step code was running.
"""

from __future__ import annotations

import datetime as datetime_module
import os
import random
import secrets
import sys
import sysconfig
import time
import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypedDict

# Not a whole number of days: the hour of day, the weekday and the second all change.
CLOCK_STEP_S = 37 * 3600 + 13 * 60 + 12.345
_STEP_FRAMES = {
    ("step.py", "execute"),
    ("wait_for_condition.py", "execute"),
}
_SDK_DIR_NAME = "aws_durable_execution_sdk_python"


class Probe(TypedDict):
    source: str
    file: str
    line: int
    in_step: bool


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    # durable-mcp's own worker code is not the user's, even in an editable install.
    dirs.add(str(Path(__file__).resolve().parents[1]))
    return tuple(str(Path(item).resolve()) for item in dirs)


class Perturbation:
    def __init__(self, seed: int) -> None:
        self.probes: list[Probe] = []
        self._random = random.Random(seed * 7919 + 1)
        self._offset_s = seed * CLOCK_STEP_S
        self._library = _library_dirs()
        self._this_file = str(Path(__file__).resolve())

    def _record(self, source: str) -> None:
        frame = sys._getframe(1)
        while frame is not None and str(Path(frame.f_code.co_filename).resolve()) == self._this_file:
            frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            return
        filename = str(Path(frame.f_code.co_filename).resolve())
        if filename.startswith((*self._library, "<")):
            return
        self.probes.append(
            {"source": source, "file": filename, "line": frame.f_lineno, "in_step": self._inside_step(frame)}
        )

    @staticmethod
    def _inside_step(frame: Any) -> bool:
        while frame is not None:
            path = Path(frame.f_code.co_filename)
            if path.parent.parent.name == _SDK_DIR_NAME and (path.name, frame.f_code.co_name) in _STEP_FRAMES:
                return True
            frame = frame.f_back
        return False

    def _probed(self, source: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def probed(*args: Any, **kwargs: Any) -> Any:
            self._record(source)
            return func(*args, **kwargs)

        return probed

    def install(self) -> None:
        real_time = time.time
        real_time_ns = time.time_ns
        time.time = self._probed("time.time", lambda: real_time() + self._offset_s)
        time.time_ns = self._probed("time.time_ns", lambda: real_time_ns() + int(self._offset_s * 1e9))
        datetime_module.datetime = self._shifted_datetime()  # type: ignore[misc]
        for name in (
            "random",
            "randint",
            "randrange",
            "choice",
            "choices",
            "shuffle",
            "sample",
            "uniform",
            "getrandbits",
            "gauss",
            "randbytes",
        ):
            setattr(random, name, self._probed(f"random.{name}", getattr(self._random, name)))
        uuid.uuid4 = self._probed("uuid.uuid4", lambda: uuid.UUID(int=self._random.getrandbits(128), version=4))
        uuid.uuid1 = self._probed(
            "uuid.uuid1", lambda *_a, **_k: uuid.UUID(int=self._random.getrandbits(128), version=1)
        )
        os.urandom = self._probed("os.urandom", self._random.randbytes)
        secrets.token_bytes = self._probed("secrets.token_bytes", lambda n=32: self._random.randbytes(n or 32))
        secrets.token_hex = self._probed("secrets.token_hex", lambda n=32: self._random.randbytes(n or 32).hex())
        secrets.token_urlsafe = self._probed(
            "secrets.token_urlsafe", lambda n=32: self._random.randbytes(n or 32).hex()[: max(1, (n or 32))]
        )
        secrets.choice = self._probed("secrets.choice", self._random.choice)
        secrets.randbelow = self._probed("secrets.randbelow", self._random.randrange)

    def _shifted_datetime(self) -> type[datetime_module.datetime]:
        record = self._record
        base = datetime_module.datetime
        offset = datetime_module.timedelta(seconds=self._offset_s)

        class SameInstances(type):
            # Values built by libraries holding the real class must still pass isinstance checks.
            def __instancecheck__(cls, instance: object) -> bool:
                return isinstance(instance, base)

        class ShiftedDatetime(base, metaclass=SameInstances):  # type: ignore[valid-type,misc]
            @classmethod
            def now(cls, tz: datetime_module.tzinfo | None = None) -> Any:
                record("datetime.now")
                return base.now(tz) + offset

            @classmethod
            def utcnow(cls) -> Any:
                record("datetime.utcnow")
                return base.utcnow() + offset

            @classmethod
            def today(cls) -> Any:
                record("datetime.today")
                return base.today() + offset

        return ShiftedDatetime
