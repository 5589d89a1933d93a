"""The SQLite VFS whose disk is the Sixfold volume: the compute node's storage layer.

SQLite's database file page i (0-based, 4 KiB) is volume page i + 1; volume page 0
holds Sixfold's own file metadata (the file's size in pages), so a size change is a
page change like any other and travels in the same mini-transaction.

Two kinds of file:
* the writer's file (one per compute node): reads the newest state, including
  commits not yet durable; buffers page writes privately; at SQLite's sync of a
  commit it diffs every dirty page against its previous image into byte-range redo
  (a full image for a new page or a large change) and hands the mini-transaction to
  the volume client without waiting for its quorum (group commit);
* reader files: a read transaction pins a read point (the VDL) when SQLite takes its
  shared lock and reads every page as of it, never waiting on the writer. To make
  SQLite drop its page cache when the read point moves, page 1's change counter is
  presented as the read point;
* scratch files (one per session in an optimistic write transaction, optimistic.py):
  a reader file that also takes writes, into memory, and forgets them when SQLite's
  transaction ends. Nothing written there leaves the compute node.

Other files (temporary files) go to SQLite's default VFS.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

import apsw

from compute_node.buffer_cache import BufferCache
from sixfold.constants import PAGE_SIZE_BYTES, READ_AHEAD_PAGES_MAX, REDO_FULL_IMAGE_DELTA_BYTES_MIN
from sixfold.core.records import diff_pages
from sixfold.errors import SixfoldError

PS = PAGE_SIZE_BYTES
META_PAGE = 0
_META = struct.Struct("<8sQ")
META_MAGIC = b"SIXFOLD1"
WRITER_FILE = "sixfold-writer.db"
READER_FILE_PREFIX = "sixfold-reader"
SCRATCH_FILE_PREFIX = "sixfold-scratch"
SQLITE_FCNTL_COMMIT_PHASETWO = 22
# SQLITE_IOCAP_SEQUENTIAL | SQLITE_IOCAP_POWERSAFE_OVERWRITE
DEVICE_CHARACTERISTICS = 0x400 | 0x1000


def encode_meta(size_pages: int) -> bytes:
    return _META.pack(META_MAGIC, size_pages) + bytes(PS - _META.size)


def decode_meta(page: bytes) -> int:
    magic, size = _META.unpack_from(page, 0)
    if magic == b"\0" * 8:
        return 0  # a new volume
    if magic != META_MAGIC:
        raise SixfoldError(f"volume page 0 is not Sixfold file metadata (magic {magic!r})")
    return size


class VolumeAccess:
    """What the VFS needs from the compute node; every call is thread-safe."""

    def __init__(self, cache: BufferCache, read_storage: Callable[[int, int], tuple[bytes, int]],
                 submit: Callable[[list, Callable], object], vdl: Callable[[], int], min_read_lsn: Callable[[], int],
                 pin: Callable[[], int], unpin: Callable[[int], None],
                 read_storage_many: Callable[[list[int], int], list] | None = None,
                 read_ahead_pages: int = READ_AHEAD_PAGES_MAX):
        self.cache = cache
        self.read_storage = read_storage  # (volume page, read lsn) -> (image, page lsn)
        # ([volume pages], read lsn) -> per page (image, page lsn) or the exception its read
        # raised; the reads run concurrently (None: no read-ahead)
        self.read_storage_many = read_storage_many
        self.read_ahead_pages = read_ahead_pages
        self._last_miss = -1  # the last page read from storage (a hint; threads race on it harmlessly)
        self.read_ahead_stats = {"batches": 0, "pages": 0}
        self.submit = submit  # ([PageChange], on_allocated(Commit)) -> Commit (with .cpl)
        self.vdl = vdl
        self.min_read_lsn = min_read_lsn
        self.pin = pin
        self.unpin = unpin

    def page(self, vpage: int, read_lsn: int | None, last_vpage: int = 0) -> bytes:
        """A volume page as of `read_lsn` (None: newest, the writer's view). `last_vpage`:
        the file's last page, how far a read-ahead may go (0: none)."""
        img = self.cache.get(vpage, read_lsn)
        if img is not None:
            return img
        at = self.vdl() if read_lsn is None else read_lsn
        sequential = vpage == self._last_miss + 1
        self._last_miss = vpage
        ahead = self._ahead(vpage, read_lsn, last_vpage) if sequential else []
        if not ahead:
            img, page_lsn = self.read_storage(vpage, at)
            self.cache.install_read(vpage, at, page_lsn, img, self.vdl(), self.min_read_lsn())
            return img
        results = self.read_storage_many([vpage] + ahead, at)
        first = results[0]
        if isinstance(first, BaseException):
            raise first
        vdl, min_read = self.vdl(), self.min_read_lsn()
        for p, r in zip([vpage] + ahead, results):
            if not isinstance(r, BaseException):  # a page read ahead that failed is read again when needed
                self.cache.install_read(p, at, r[1], r[0], vdl, min_read)
        self._last_miss = ahead[-1]
        self.read_ahead_stats["batches"] += 1
        self.read_ahead_stats["pages"] += len(ahead)
        return first[0]

    def _ahead(self, vpage: int, read_lsn: int | None, last_vpage: int) -> list[int]:
        """The pages after `vpage` to read with it: up to read_ahead_pages, within the file,
        stopping at the first one already cached."""
        if self.read_storage_many is None or self.read_ahead_pages <= 0:
            return []
        out = []
        for p in range(vpage + 1, min(last_vpage, vpage + self.read_ahead_pages) + 1):
            if self.cache.get(p, read_lsn) is not None:
                break
            out.append(p)
        return out


class VolumeVFS(apsw.VFS):
    def __init__(self, name: str, access: VolumeAccess):
        self.access = access
        self.writer_file: WriterFile | None = None
        # Open reader files by name: a session asks its own for the read point it pinned.
        self.reader_files: dict[str, ReaderFile] = {}
        super().__init__(name, "")  # inherit the default VFS for temporary files

    def _ours(self, name) -> bool:
        return name is not None and str(name).startswith((WRITER_FILE, READER_FILE_PREFIX, SCRATCH_FILE_PREFIX))

    def xOpen(self, name, flags):
        fname = None if name is None else (name.filename() if hasattr(name, "filename") else str(name))
        if fname is not None and self._ours(fname):
            if not fname.endswith(".db"):
                # A journal or WAL of a volume file: the writer keeps its journal in
                # memory and readers never write, so nothing may land on local disk.
                raise apsw.CantOpenError(f"{fname}: volume files have no on-disk journal")
            flags[1] = flags[0]  # report the flags back: SQLite reads READONLY from here
            if fname.startswith(WRITER_FILE):
                assert self.writer_file is None, "one writer connection per compute node"
                self.writer_file = WriterFile(self.access)
                return self.writer_file
            if fname.startswith(SCRATCH_FILE_PREFIX):
                return ScratchFile(self.access)
            reader = ReaderFile(self.access, on_close=lambda: self.reader_files.pop(fname, None))
            self.reader_files[fname] = reader
            return reader
        return apsw.VFSFile("", name, flags)

    def xAccess(self, pathname, flags):
        if self._ours(pathname):
            return False  # no journal or WAL file ever exists on disk
        return super().xAccess(pathname, flags)

    def xDelete(self, filename, syncdir):
        if self._ours(filename):
            return
        return super().xDelete(filename, syncdir)

    def xFullPathname(self, name):
        if self._ours(name):
            return name
        return super().xFullPathname(name)


class _VolumeFile:
    """Common part: pages come from the access layer; writes are refused."""

    def __init__(self, access: VolumeAccess):
        self.access = access
        self.error: SixfoldError | None = None  # the Sixfold error behind an I/O failure

    def _read_at(self, read_lsn: int | None, size_pages: int, amount: int, offset: int,
                 overlay: dict[int, bytearray] | None = None, ahead_to: int | None = None) -> bytes:
        """`amount` bytes at `offset` of the file as of `read_lsn`; a page read from storage
        may bring the pages after it up to `ahead_to` (default: the file's end) along."""
        ahead_to = size_pages if ahead_to is None else ahead_to
        out = bytearray()
        pos, end = offset, offset + amount
        while pos < end:
            i, off = divmod(pos, PS)
            if i >= size_pages:
                break  # a short read: SQLite zero-fills
            img = overlay.get(i) if overlay else None
            if img is None:
                img = self._page(i + 1, read_lsn, ahead_to)
            n = min(PS - off, end - pos)
            out += img[off : off + n]
            pos += n
        return bytes(out)

    def _page(self, vpage: int, read_lsn: int | None, size_pages: int = 0) -> bytes:
        try:
            return self.access.page(vpage, read_lsn, size_pages)
        except SixfoldError as e:
            self.error = e
            raise

    def _write_into(self, dirty: dict[int, bytearray], size_pages: int, read_lsn: int | None, data,
                    offset: int) -> int:
        """SQLite's write into the private pages `dirty` over the file as of `read_lsn`
        (None: newest); returns the file's new size in pages."""
        pos, end, src = offset, offset + len(data), 0
        while pos < end:
            i, off = divmod(pos, PS)
            n = min(PS - off, end - pos)
            page = dirty.get(i)
            if page is None:
                if n == PS:
                    page = bytearray(PS)
                elif i < size_pages:
                    page = bytearray(self._page(i + 1, read_lsn))
                else:
                    page = bytearray(PS)
                dirty[i] = page
            page[off : off + n] = data[src : src + n]
            pos += n
            src += n
        return max(size_pages, -(-end // PS))

    @staticmethod
    def _truncate(dirty: dict[int, bytearray], size: int) -> int:
        size_pages = -(-size // PS)
        for i in [i for i in dirty if i >= size_pages]:
            del dirty[i]
        return size_pages

    def xCheckReservedLock(self):
        return False

    def xFileControl(self, op, ptr):
        return False

    def xSectorSize(self):
        return PS

    def xDeviceCharacteristics(self):
        return DEVICE_CHARACTERISTICS

    def xClose(self):
        pass


class ReaderFile(_VolumeFile):
    """A read-only view at a read point pinned for the length of SQLite's read transaction."""

    def __init__(self, access: VolumeAccess, on_close: Callable[[], None] | None = None):
        super().__init__(access)
        self.read_lsn: int | None = None  # the pinned read point, while SQLite holds a lock
        self.size_pages = 0
        self.lock_level = 0
        self._on_close = on_close
        # Volume pages read at `pages_lsn`: what SQLite may know of the volume there. It
        # keeps its page cache across transactions at one read point (the change counter
        # it checks is the read point), so the set starts afresh only when that moves.
        self.read_pages: set[int] = set()
        self.pages_lsn: int | None = None
        self.dirty: dict[int, bytearray] = {}  # file page index -> image (a scratch file's writes)

    def xClose(self):
        if self._on_close is not None:
            self._on_close()

    def xLock(self, level):
        if self.lock_level == 0 and level > 0:
            self.read_lsn = self.access.pin()
            if self.read_lsn != self.pages_lsn:
                self.read_pages, self.pages_lsn = set(), self.read_lsn
            self.size_pages = decode_meta(self._page(META_PAGE, self.read_lsn))
        self.lock_level = max(self.lock_level, level)

    def xUnlock(self, level):
        if level == 0 and self.read_lsn is not None:
            self.access.unpin(self.read_lsn)
            self.read_lsn = None
        self.lock_level = level

    def _page(self, vpage: int, read_lsn: int | None, size_pages: int = 0) -> bytes:
        if read_lsn is not None and read_lsn == self.read_lsn:
            self.read_pages.add(vpage)
        return super()._page(vpage, read_lsn, size_pages)

    def _snapshot(self) -> tuple[int, int]:
        if self.read_lsn is not None:
            return self.read_lsn, self.size_pages
        # Outside a transaction (SQLite probing the file): the current durable state.
        lsn = self.access.vdl()
        return lsn, decode_meta(self._page(META_PAGE, lsn))

    def xRead(self, amount, offset):
        lsn, size = self._snapshot()
        data = self._read_at(lsn, size, amount, offset, self.dirty)
        if offset < 100 and offset + len(data) > 24 and 0 not in self.dirty:
            # Present the read point as page 1's change counter (and a different
            # version-valid-for, so SQLite sizes the file from xFileSize): SQLite then
            # drops its page cache whenever the read point moves.
            buf = bytearray(data)
            for field_at, value in ((24, lsn & 0xFFFFFFFF), (92, (lsn + 1) & 0xFFFFFFFF)):
                lo = field_at - offset
                packed = value.to_bytes(4, "big")
                for k in range(4):
                    if 0 <= lo + k < len(buf):
                        buf[lo + k] = packed[k]
            data = bytes(buf)
        return data

    def xFileSize(self):
        return self._snapshot()[1] * PS

    def xWrite(self, data, offset):
        raise apsw.ReadOnlyError("a read-only view of the volume")

    def xTruncate(self, size):
        raise apsw.ReadOnlyError("a read-only view of the volume")

    def xSync(self, flags):
        pass


class ScratchFile(ReaderFile):
    """A session's private, writable copy of the volume at a read point: an optimistic
    write transaction runs here (optimistic.py). Reads are a reader file's; SQLite's
    writes stay in `dirty` and are forgotten when its transaction ends (the session
    always rolls this transaction back: at COMMIT it runs the statements again on the
    writer). A commit here would lose writes silently, so it fails instead."""

    def __init__(self, access: VolumeAccess):
        super().__init__(access)
        self.own_size: int | None = None  # the size SQLite's writes gave the file (None: the read point's)

    def _snapshot(self) -> tuple[int, int]:
        lsn, size = super()._snapshot()
        return lsn, size if self.own_size is None else self.own_size

    def xUnlock(self, level):
        if level == 0:
            self.dirty.clear()
            self.own_size = None
        super().xUnlock(level)

    def xWrite(self, data, offset):
        lsn, size = self._snapshot()
        self.own_size = self._write_into(self.dirty, size, lsn, data, offset)

    def xTruncate(self, size):
        self.own_size = self._truncate(self.dirty, size)

    def xSync(self, flags):
        raise apsw.IOError("a scratch copy of the volume is never committed")


class WriterFile(_VolumeFile):
    """The writer's view: newest state, private dirty pages, one mini-transaction per commit."""

    def __init__(self, access: VolumeAccess):
        super().__init__(access)
        self.dirty: dict[int, bytearray] = {}  # file page index -> new image
        self.shipped_size = decode_meta(access.page(META_PAGE, None))
        self.size_pages = self.shipped_size
        self.shipped: list = []  # Commits handed to the volume client, not yet awaited
        # The last Commit shipped (None before the first). Set under the compute node's
        # write lock (only a write-lock holder makes SQLite sync this file); a snapshot
        # transaction compares its CPL with its read point when it takes the lock.
        self.last_commit = None
        self.redo_bytes = 0
        self.pages_shipped = 0

    def xLock(self, level):
        pass  # writers are serialized by the compute node's write lock

    def xUnlock(self, level):
        pass

    def xRead(self, amount, offset):
        # Read ahead only within what storage holds: pages past the shipped size are this
        # transaction's own, new ones.
        return self._read_at(None, self.size_pages, amount, offset, self.dirty,
                             ahead_to=min(self.size_pages, self.shipped_size))

    def xWrite(self, data, offset):
        self.size_pages = self._write_into(self.dirty, self.size_pages, None, data, offset)

    def xTruncate(self, size):
        self.size_pages = self._truncate(self.dirty, size)

    def xFileSize(self):
        return self.size_pages * PS

    def xSync(self, flags):
        """SQLite is committing: ship the transaction's pages as one mini-transaction."""
        try:
            self.ship()
        except SixfoldError as e:
            self.error = e
            raise

    def xFileControl(self, op, ptr):
        if op == SQLITE_FCNTL_COMMIT_PHASETWO and (self.dirty or self.size_pages != self.shipped_size):
            # SQLite truncates the file after the sync of a commit that shrank it (VACUUM);
            # a truncation the header did not announce is shipped here.
            self.xSync(0)
            return True
        return False

    def ship(self) -> None:
        from compute_node.volume_client import PageChange

        page1 = self.dirty.get(0)
        if page1 is not None:
            # The in-header database size (offset 28) is the committed size; SQLite only
            # truncates the file to it after this sync, so ship the size now, with the pages.
            header_size = int.from_bytes(page1[28:32], "big")
            if 0 < header_size < self.size_pages:
                self.xTruncate(header_size * PS)
        changes, images = [], []
        for i in sorted(self.dirty):
            new = bytes(self.dirty[i])
            vpage = i + 1
            if i >= self.shipped_size:
                changes.append(PageChange.image(vpage, new))
            else:
                old = self.access.page(vpage, None)
                ranges = diff_pages(old, new)
                if not ranges:
                    continue
                delta_bytes = sum(4 + len(r) for _, r in ranges)
                changes.append(PageChange.image(vpage, new) if delta_bytes >= REDO_FULL_IMAGE_DELTA_BYTES_MIN
                               else PageChange.delta(vpage, ranges))
            images.append((vpage, new))
        if self.size_pages != self.shipped_size:
            old_meta = self.access.page(META_PAGE, None)
            new_meta = encode_meta(self.size_pages)
            changes.append(PageChange.delta(META_PAGE, diff_pages(old_meta, new_meta)))
            images.append((META_PAGE, new_meta))
        self.dirty.clear()
        if not changes:
            return
        access = self.access

        def cache_pages(commit) -> None:
            # On the volume client's loop, before any record of the commit leaves: once
            # VDL reaches it, a reader pinning that read point finds every page it
            # changed in the cache. Installed after the submit returned (as it once
            # was), a reader could pin a VDL past the commit while the cache still held
            # some of its pages' previous versions as current: a fractured read (Elle's
            # G-single in the isolation test, or a malformed B-tree).
            first = commit.cpl - len(changes) + 1
            vdl, min_read = access.vdl(), access.min_read_lsn()
            for k, (vpage, img) in enumerate(images):
                access.cache.install_change(vpage, first + k, img, vdl, min_read)

        commit = access.submit(changes, cache_pages)
        self.last_commit = commit  # submitted: it may become durable whatever happens next
        self.shipped_size = self.size_pages
        self.shipped.append(commit)
        self.redo_bytes += sum(len(c.payload) for c in changes)
        self.pages_shipped += len(changes)

    def take_shipped(self) -> list:
        out, self.shipped = self.shipped, []
        return out
