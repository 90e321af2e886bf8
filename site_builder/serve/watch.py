"""Watching the files a site is built from, and telling real changes from noise.

Watchdog reports far more than edits: on Linux, every open and every read of a file;
editors save through swap files, backups (``~``), lock files (``.#x``), test files (vim's
``4913``) and renames; a save can arrive as several events, and several saves can arrive
within a few milliseconds. So:

- events only name *candidates*; opens and reads are dropped at once, and so are editor
  temporary files and files the build does not read (``accept``);
- after the last event, the watcher waits ``quiet`` seconds (at most ``longest`` in all), so
  a burst of saves is handled once; where the platform reports a writer closing a file
  (Linux), it also waits for that, so a slow save is never read half-written;
- then each candidate is compared with what it was, by size and time, and by the digest of
  its bytes when those differ: a file touched, saved unchanged, or renamed away and back
  is not a change. Only when something did change is ``on_change`` called, once.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

EDITOR_TEMPORARY = re.compile(r"""
      \A\.\#            # emacs lock files
    | \A\#.*\#\Z        # emacs auto-save files
    | ~\Z               # backups (vim, emacs, gedit)
    | \.sw[a-p]\Z       # vim swap files
    | \A4913\Z          # vim's test of whether it may write to a folder
    | \.(tmp|temp|part|crdownload|bak|orig)\Z
    | \A\.goutputstream-  # GNOME's atomic saves
    | \A\.~lock\.       # LibreOffice
    | \A\.DS_Store\Z
    """, re.X | re.I)

IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})


def is_editor_temporary(path: Path) -> bool:
    """Whether ``path`` is a file an editor writes while saving, not a file of the site."""
    return bool(EDITOR_TEMPORARY.search(path.name))


@dataclass(frozen=True)
class WatchedFolder:
    """A folder to watch, and which of the files in it the build reads."""

    path: Path
    recursive: bool
    accept: Callable[[Path], bool]

    def holds(self, path: Path) -> bool:
        if path == self.path:
            return False
        if self.recursive:
            return self.path in path.parents
        return path.parent == self.path

    def wants(self, path: Path) -> bool:
        return self.holds(path) and not is_editor_temporary(path) and self.accept(path)

    def files(self, below: Path | None = None) -> list[Path]:
        """Every wanted file in the folder (or in its subfolder ``below``) now."""
        top = below or self.path
        if not top.is_dir():
            return []
        found: list[Path] = []
        for folder, subfolders, names in os.walk(top):
            if not self.recursive:
                subfolders.clear()
            found += [p for p in (Path(folder) / n for n in names) if self.wants(p)]
        return found


Signature = tuple[int, int]  # (size, mtime_ns)


class FileStates:
    """What each watched file was when last looked at: its size and time, and its digest."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[Signature, bytes]] = {}

    def learn(self, paths: Iterable[Path]) -> None:
        for path in paths:
            state = _state(path)
            if state is not None:
                self._known[path] = state

    def known_below(self, folder: Path) -> list[Path]:
        return [p for p in self._known if folder in p.parents]

    def changed(self, paths: Iterable[Path]) -> set[Path]:
        """Which of ``paths`` differ from what was last seen (appeared, vanished or new bytes); remember them."""
        changed: set[Path] = set()
        for path in paths:
            before = self._known.get(path)
            signature = _signature(path)
            if signature is None:
                if before is not None:
                    del self._known[path]
                    changed.add(path)
                continue
            if before is not None and before[0] == signature:
                continue
            state = _state(path)
            if state is None:  # vanished meanwhile
                if self._known.pop(path, None) is not None:
                    changed.add(path)
                continue
            self._known[path] = state
            if before is None or before[1] != state[1]:
                changed.add(path)
        return changed


NOT_A_FILE = -1  # the size in the signature of a name that is no regular file: a folder, a pipe, a broken link


def _signature(path: Path) -> Signature | None:
    """(size, mtime) of a file; a name that is there but no regular file (a folder, a pipe, a broken
    link or a loop, which the build refuses by name) is known too, by NOT_A_FILE; None: nothing there."""
    try:
        st = path.stat()
    except OSError:
        try:
            st = path.lstat()
        except OSError:
            return None
        return (NOT_A_FILE, st.st_mtime_ns)
    return (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else (NOT_A_FILE, st.st_mtime_ns)


def _state(path: Path) -> tuple[Signature, bytes] | None:
    signature = _signature(path)
    if signature is None:
        return None
    try:
        if path.is_symlink():
            # A link is known by where it points and what is there, not by reading it: it may point out
            # of content/, whose files are never read (content.read_source refuses them).
            data = f"{os.readlink(path)}\0{signature}".encode()
        else:  # what is no regular file is never opened (a pipe would block the watcher)
            data = b"" if signature[0] == NOT_A_FILE else path.read_bytes()
    except OSError:
        return None
    return signature, hashlib.blake2b(data, digest_size=16).digest()


class SourceWatcher:
    """Calls ``on_change(paths)`` once per settled burst of real changes to the watched files."""

    def __init__(self, folders: list[WatchedFolder], on_change: Callable[[set[Path]], None], *,
                 quiet: float = 0.05, longest: float = 1.0) -> None:
        self.folders = [WatchedFolder(f.path.resolve(), f.recursive, f.accept) for f in folders]
        self.on_change = on_change
        self.quiet, self.longest = quiet, longest
        self.states = FileStates()
        self._candidates: set[tuple[Path, bool]] = set()  # (path, is a folder)
        self._writing: set[Path] = set()  # files written to and not closed yet
        self._first = self._last = 0.0
        self._wake = threading.Condition()
        self._stopping = False
        self._observer = Observer()
        self._closes_seen = "inotify" in type(self._observer).__name__.lower()
        self._handler = _Events(self._event)
        self._watches: dict[Path, ObservedWatch | None] = {f.path: None for f in self.folders}
        self._thread = threading.Thread(target=self._settle, name="site-builder-watch", daemon=True)

    def start(self) -> None:
        """Learn the current state of every watched file, then start watching."""
        for folder in self.folders:
            self.states.learn(folder.files())
        self._follow_folders()
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (also when never started)."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":  # a file inside changed: it has its own event
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = [Path(os.fsdecode(p)) for p in paths if p]
        relevant = [(p, event.is_directory) for p in found if any(f.holds(p) for f in self.folders)]
        if not relevant:
            return
        with self._wake:
            now = time.monotonic()
            if not self._candidates:
                self._first = now
            self._candidates.update(relevant)
            self._last = now
            self._track_writes(event, found)
            self._wake.notify_all()

    def _track_writes(self, event: FileSystemEvent, paths: list[Path]) -> None:
        """Which files are open for writing, where the platform says when a writer closes one (Linux).

        A save that writes in several steps is then read once it is complete, however slow the
        writer, rather than when it merely paused for ``quiet`` seconds.
        """
        if event.is_directory:
            return
        if event.event_type == "closed":
            self._closes_seen = True
            self._writing.discard(paths[0])
        elif event.event_type in ("created", "modified"):
            self._writing.add(paths[0])
        else:  # deleted, moved
            self._writing.difference_update(paths)

    def _settle(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and not self._candidates:
                    self._wake.wait()
                if self._stopping:
                    return
                now = time.monotonic()
                writing = self._closes_seen and any(p in self._writing for p, _ in self._candidates)
                due = self._first + self.longest if writing else min(self._last + self.quiet, self._first + self.longest)
                if now < due:
                    self._wake.wait(due - now)
                    continue
                candidates, self._candidates = self._candidates, set()
                if now >= self._first + self.longest:  # a writer that never closed: do not wait for it again
                    self._writing.difference_update(p for p, _ in candidates)
            changed = self.check(candidates) | self.states.changed(self._follow_folders())
            if changed:
                try:
                    self.on_change(changed)
                except Exception:  # noqa: BLE001 - a failing callback must not stop the watching
                    import traceback

                    traceback.print_exc()

    def _follow_folders(self) -> list[Path]:
        """Watch the folders that exist now and stop watching those that went; the files of new ones.

        A site's own ``themes/`` often does not exist when the preview starts: its creation is
        seen by the watch of the folder above it (the project's), and it is watched from then on.
        """
        appeared: list[Path] = []
        for folder in self.folders:
            watch, exists = self._watches[folder.path], folder.path.is_dir()
            if exists and watch is None:
                self._watches[folder.path] = self._observer.schedule(self._handler, str(folder.path),
                                                                     recursive=folder.recursive)
                appeared += folder.files()  # listed after the watch starts: nothing falls between
            elif not exists and watch is not None:
                try:
                    self._observer.unschedule(watch)
                except (KeyError, OSError):
                    pass
                self._watches[folder.path] = None
        return appeared

    def check(self, candidates: set[tuple[Path, bool]]) -> set[Path]:
        """The candidate files (and the files in candidate folders) that really changed."""
        files: set[Path] = set()
        for path, is_folder in candidates:
            if is_folder:  # created, moved or removed: whatever was or is below it
                if any(f.wants(path) for f in self.folders):  # and itself: a folder named 2020.yaml is an error
                    files.add(path)
                files.update(self.states.known_below(path))
                for folder in self.folders:
                    if folder.holds(path):
                        files.update(folder.files(below=path))
            elif any(f.wants(path) for f in self.folders):
                files.add(path)
        return self.states.changed(sorted(files))


class _Events(FileSystemEventHandler):
    def __init__(self, callback: Callable[[FileSystemEvent], None]) -> None:
        self.callback = callback

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.callback(event)
