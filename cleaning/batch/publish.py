"""Publishing: the ``current`` link swapped atomically, old versions kept or pruned, rollback.

A version directory never changes once published. ``current`` is replaced
with ``rename(2)``, which is atomic, so readers see the old version or the
new one, never a mix; the last ``keep`` versions stay on disk, so a reader
that opened one keeps reading it while later runs publish, and ``rollback``
can return to any of them.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from cleaning.batch.layout import CURRENT, STAGING, VERSIONS
from cleaning.batch.merge import fsync_dir
from cleaning.batch.read import current_version, kept_versions, read_manifest

logger = logging.getLogger(__name__)

#: Versions kept after a run (the current one included): enough to roll
#: back a bad reprocess and the run before it, and to let a reader that
#: opened a version finish it while two more runs publish.
DEFAULT_KEEP_VERSIONS = 3


class RollbackError(Exception):
    """The version asked for cannot be made current (unknown, or already removed)."""


def publish(root: Path, run_id: str, built: Path) -> Path:
    """Make a built version the current one, atomically; returns its directory."""
    versions = root / VERSIONS
    versions.mkdir(exist_ok=True)
    final = versions / run_id
    os.rename(built, final)
    fsync_dir(versions)
    _point_current(root, run_id)
    logger.info("published version %s", run_id)
    return final


def _point_current(root: Path, version: str) -> None:
    link = root / f".{CURRENT}-{version}"
    link.unlink(missing_ok=True)
    os.symlink(Path(VERSIONS, version), link)
    os.replace(link, root / CURRENT)
    fsync_dir(root)


def prune(root: Path, keep: int = DEFAULT_KEEP_VERSIONS) -> list[str]:
    """Remove dead runs' staging and every version but the current and the newest ones.

    ``keep`` versions stay, the current one among them. Call with the lock
    held: no other run can be using what is removed. Returns the removed names.
    """
    shutil.rmtree(root / STAGING, ignore_errors=True)
    for stray in root.glob(f".{CURRENT}-*"):
        stray.unlink(missing_ok=True)
    current = current_version(root)
    newest = [v.name for v in reversed(kept_versions(root))]
    keep_names = set()
    if current is not None:
        keep_names.add(current.name)
    for name in newest:
        if len(keep_names) >= max(keep, 1):
            break
        keep_names.add(name)
    versions = root / VERSIONS
    if not versions.is_dir():
        return []
    removed = []
    for version in sorted(versions.iterdir()):
        if version.name not in keep_names:
            logger.info("removing old version %s", version.name)
            shutil.rmtree(version, ignore_errors=True)
            removed.append(version.name)
    return removed


def rollback(root: Path, to: str | None = None) -> tuple[str, str]:
    """Make an older kept version current: ``to``, or the current one's parent.

    Returns (the version left, the version now current). Call with the lock
    held. The version left stays on disk (pruned later as any other), so a
    rollback can itself be undone with ``to``.
    """
    current = current_version(root)
    if current is None:
        raise RollbackError(f"no dataset at {root}: nothing to roll back")
    kept = {v.name: v for v in kept_versions(root)}
    target = to
    if target is None:
        parent = read_manifest(current).get("parent")
        if not isinstance(parent, str):
            raise RollbackError(f"version {current.name} has no parent to roll back to")
        target = parent
    if target not in kept:
        names = ", ".join(sorted(kept)) or "none"
        raise RollbackError(f"version {target} is not kept (kept: {names})")
    if target == current.name:
        raise RollbackError(f"version {target} is already current")
    _point_current(root, target)
    logger.info("rolled back from version %s to %s", current.name, target)
    return current.name, target
