"""Object stores a backup lives in: a local directory (the embedded default) or any
S3-compatible service through boto3. Both are blocking; storage nodes call them from a
worker thread, never from their event loop.

The backup location is the `backup` entry of the cluster spec:

    {"kind": "dir", "path": "/abs/path"}
    {"kind": "s3", "bucket": "b", "prefix": "sixfold/", "endpoint_url": "http://127.0.0.1:9000",
     "region": "us-east-1", "access_key_id": "...", "secret_access_key": "..."}

Keys are '/'-separated; a store prefixes them with its own prefix.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path

from sixfold.constants import BACKUP_OBJECT_TIMEOUT_MS
from sixfold.errors import BackupError


class MissingObject(BackupError):
    """The key names no object."""


class ObjectStore(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, durably, replacing any object there."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The object's bytes; MissingObject when there is none."""

    def head(self, key: str, length: int) -> tuple[bytes, int]:
        """The object's first `length` bytes (all of it when shorter) and its size;
        MissingObject when there is none. (A store that can read part of an object
        overrides this.)"""
        data = self.get(key)
        return data[:length], len(data)

    @abstractmethod
    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix`, sorted."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object (no error when it is already gone)."""

    @abstractmethod
    def describe(self) -> str:
        """Where the store is, for messages."""


class DirObjectStore(ObjectStore):
    """One file per object under `root`; written to a temporary name, fsynced, renamed."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise BackupError(f"bad object key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise MissingObject(f"no object {key} in {self.describe()}") from None

    def head(self, key: str, length: int) -> tuple[bytes, int]:
        try:
            with open(self._path(key), "rb") as f:
                return f.read(length), os.fstat(f.fileno()).st_size
        except FileNotFoundError:
            raise MissingObject(f"no object {key} in {self.describe()}") from None

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        if not base.is_dir():
            return []
        out = []
        for dirpath, _dirs, files in os.walk(base):
            for f in files:
                if not f.startswith("."):
                    out.append(str(Path(dirpath, f).relative_to(self.root)))
        return sorted(out)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def describe(self) -> str:
        return f"directory {self.root}"


class S3ObjectStore(ObjectStore):
    """A bucket (and key prefix) of an S3-compatible service."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str = "us-east-1",
                 access_key_id: str | None = None, secret_access_key: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.endpoint_url = endpoint_url
        timeout_s = BACKUP_OBJECT_TIMEOUT_MS / 1000
        self._s3 = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(connect_timeout=timeout_s, read_timeout=timeout_s, retries={"max_attempts": 2}))

    def _call(self, what: str, fn, **kw):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(Bucket=self.bucket, **kw)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                raise MissingObject(f"no object {kw.get('Key')} in {self.describe()}") from None
            raise BackupError(f"{what} in {self.describe()}: {code or e}") from None
        except BotoCoreError as e:
            raise BackupError(f"{what} in {self.describe()}: {e}") from None

    def put(self, key: str, data: bytes) -> None:
        self._call("put", self._s3.put_object, Key=self.prefix + key, Body=data)

    def get(self, key: str) -> bytes:
        return self._call("get", self._s3.get_object, Key=self.prefix + key)["Body"].read()

    def head(self, key: str, length: int) -> tuple[bytes, int]:
        assert length > 0
        r = self._call("get", self._s3.get_object, Key=self.prefix + key, Range=f"bytes=0-{length - 1}")
        data = r["Body"].read()
        total = r.get("ContentRange", "").rpartition("/")[2]  # "bytes 0-N/TOTAL"; absent: the whole object
        return data, int(total) if total.isdigit() else len(data)

    def list(self, prefix: str) -> list[str]:
        keys, token = [], None
        while True:
            kw = {"Prefix": self.prefix + prefix}
            if token:
                kw["ContinuationToken"] = token
            resp = self._call("list", self._s3.list_objects_v2, **kw)
            keys += [o["Key"][len(self.prefix):] for o in resp.get("Contents", [])]
            if not resp.get("IsTruncated"):
                return sorted(keys)
            token = resp["NextContinuationToken"]

    def delete(self, key: str) -> None:
        self._call("delete", self._s3.delete_object, Key=self.prefix + key)

    def ensure_bucket(self) -> None:
        """Create the bucket when it does not exist (a new local S3 server)."""
        from botocore.exceptions import ClientError

        try:
            self._s3.head_bucket(Bucket=self.bucket)
        except ClientError:
            self._call("create bucket", self._s3.create_bucket)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" + (f" at {self.endpoint_url}" if self.endpoint_url else "")


def open_store(config: dict) -> ObjectStore:
    """The store a spec's `backup` entry names; BackupError when it names none."""
    kind = config.get("kind")
    if kind == "dir":
        return DirObjectStore(config["path"])
    if kind == "s3":
        return S3ObjectStore(config["bucket"], config.get("prefix", ""), config.get("endpoint_url"),
                             config.get("region", "us-east-1"), config.get("access_key_id"),
                             config.get("secret_access_key"))
    raise BackupError(f"unknown backup kind {kind!r} (use 'dir' or 's3')")


__all__ = ["ObjectStore", "DirObjectStore", "S3ObjectStore", "MissingObject", "open_store"]
