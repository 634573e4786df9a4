"""Write a fixed file without ever losing a byte.

``--fix`` reads every file first and writes much later. Just before writing,
the file must still be what was read (size, mtime and content), or the write
is skipped: an edit made meanwhile is never overwritten. The new content goes
to a temporary file in the same directory, is flushed and fsynced, gets the
original's mode, and replaces the original with ``os.replace``: on a full
disk or a file-size limit the original is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

from cnnlint.records import dataclass
from cnnlint.source import read_regular_file


class Changed(Exception):
    """The file changed on disk since it was read; nothing was written."""


@dataclass(frozen=True)
class Stamp:
    """What a file looked like when it was read."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Stamp:
        return cls(st.st_size, st.st_mtime_ns)


def write_fixed(path: str | os.PathLike[str], fixed: bytes, original: bytes, stamp: Stamp | None) -> None:
    """Replace ``path``'s content ``original`` by ``fixed``, atomically. ``Changed`` or ``OSError`` on failure."""
    target = os.path.realpath(path)  # a symbolic link keeps pointing at the fixed file
    current, st = read_regular_file(target)
    if (stamp is not None and Stamp.of(st) != stamp) or current != original:
        raise Changed("the file changed on disk since it was read; not fixed")
    directory, name = os.path.split(target)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".cnnlint-tmp", dir=directory or None)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(fixed)
            handle.flush()
            os.fsync(handle.fileno())
            if os.fstat(handle.fileno()).st_size != len(fixed):  # a short write (file-size limit, full disk)
                raise OSError(errno.EFBIG, "the new content could not be written in full")
        os.chmod(temporary, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # not ours to give away; the mode is kept
                os.chown(temporary, st.st_uid, st.st_gid)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Make the rename durable where the platform allows it."""
    try:
        fd = os.open(directory or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
