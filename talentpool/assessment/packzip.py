"""Safe unpacking of an uploaded ``.zip`` exam pack.

Refuses zip bombs (entry count, total size, compression ratio), paths that leave
the target folder, absolute paths and symlink entries. Pure: no Flask, no database.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

MAX_ENTRIES = 2_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100


class UnsafeArchive(ValueError):
    """The archive was refused; the message says why."""


def safe_extract(archive: Path, target: Path) -> Path:
    """Extract ``archive`` into ``target`` after checking every entry; returns the pack root.

    The pack root is ``target`` itself, or its only top-level folder when the zip wraps one.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise UnsafeArchive(f"{archive.name}: not a zip file ({error})") from None
    with bundle:
        entries = bundle.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UnsafeArchive(f"{archive.name}: {len(entries)} entries, at most {MAX_ENTRIES}")
        total = 0
        for entry in entries:
            _check_entry(archive.name, entry)
            total += entry.file_size
            if total > MAX_TOTAL_BYTES:
                raise UnsafeArchive(f"{archive.name}: more than {MAX_TOTAL_BYTES // 2**20} MB "
                                    "unpacked")
        target.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            destination = target.joinpath(*PurePosixPath(entry.filename).parts)
            if entry.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(entry) as source, open(destination, "wb") as sink:
                written = 0
                while chunk := source.read(1 << 16):
                    written += len(chunk)
                    if written > entry.file_size:  # the header lied about the size
                        raise UnsafeArchive(f"{entry.filename}: larger than declared")
                    sink.write(chunk)
    children = [p for p in target.iterdir() if not p.name.startswith(".")]
    if not (target / "pack.yaml").exists() and len(children) == 1 and children[0].is_dir():
        return children[0]
    return target


def _check_entry(name: str, entry: zipfile.ZipInfo) -> None:
    path = PurePosixPath(entry.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise UnsafeArchive(f"{name}: entry {entry.filename!r} leaves the pack folder")
    mode = entry.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeArchive(f"{name}: entry {entry.filename!r} is a symbolic link")
    if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO:
        raise UnsafeArchive(f"{name}: entry {entry.filename!r} is compressed more than "
                            f"{MAX_RATIO}:1")
