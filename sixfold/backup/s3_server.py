"""A local S3-compatible server (moto's `moto.server`) as a child process, for tests and
benchmarks of the S3 backend: a real HTTP server in its own process, never an object
mocked inside the caller."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sixfold.constants import PROCESS_START_TIMEOUT_MS


@dataclass
class S3Server:
    proc: subprocess.Popen
    port: int

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def backup_config(self, bucket: str, prefix: str = "") -> dict:
        """A spec `backup` entry for a bucket of this server (created if missing)."""
        from sixfold.backup.objects import S3ObjectStore

        cfg = {"kind": "s3", "bucket": bucket, "prefix": prefix, "endpoint_url": self.endpoint_url,
               "region": "us-east-1", "access_key_id": "sixfold", "secret_access_key": "sixfold-secret"}
        S3ObjectStore(bucket, prefix, self.endpoint_url, "us-east-1", "sixfold", "sixfold-secret").ensure_bucket()
        return cfg

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_s3_server(log_path: Path) -> S3Server:
    """Start the server on a free port and wait until it answers."""
    import socket

    from sixfold.supervisor import free_ports, wait_until

    port = free_ports(1)[0]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def answers() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"the S3 server exited with {proc.returncode}; see {log_path}")
        with socket.socket() as s:
            s.settimeout(0.2)
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_until(answers, PROCESS_START_TIMEOUT_MS / 1000, "the S3 server to listen")
    return S3Server(proc, port)


__all__ = ["S3Server", "start_s3_server"]
