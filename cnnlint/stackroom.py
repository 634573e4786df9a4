"""Calls that recurse deeply, run where CPython's frame stack has room for them.

CPython 3.11 keeps Python frames in 16 KiB chunks, mapped when a call crosses
into a new one and unmapped when it returns out of it (cpython gh-142183,
fixed upstream in 2026). The interpreter's recursion (eval, call,
exec_block, ...) crosses one boundary again and again: 200,000 ``mmap`` /
``munmap`` pairs on torchvision's model sources alone, and 13 s of a 57 s CPU
total spent in the kernel on torchvision + timm. Entering through a frame that
asks for a 512 KiB stack makes CPython map one 1 MiB chunk and run everything
under it in the other half, with nothing to map or unmap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

# Slots of 8 bytes: the frame needs 512 KiB, the chunk mapped for it is 1 MiB.
ROOM_SLOTS = 65_536


def call_with_room(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


# A larger stack size than the code needs is only unused space in its frame; elsewhere than CPython
# there is nothing to work around.
with contextlib.suppress(AttributeError, TypeError, ValueError):
    call_with_room.__code__ = call_with_room.__code__.replace(co_stacksize=ROOM_SLOTS)
