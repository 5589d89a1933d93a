"""A throwaway real PostgreSQL server for tests and benchmarks.

    pg = PostgresServer(Path(tempfile.mkdtemp()), port=free_ports(1)[0], password="secret")
    pg.start()            # initdb (first time), start, wait until it accepts connections
    psycopg.connect(pg.uri)
    pg.stop()

    standby = PostgresServer(root2, port2, password="secret", standby_of=pg, application_name="s1")
    standby.start()       # pg_basebackup -R from `pg`, then start as a streaming standby

By default the server runs with DEFAULT_CONF (fsync off: a throwaway test server);
`base_conf={}` keeps PostgreSQL's own defaults (fsync on, synchronous_commit on), as
the benchmarks do. Only listen_addresses, port and unix_socket_directories are always
set, then `extra_conf`. `application_name` (standby only) is added to the
primary_conninfo that `pg_basebackup -R` writes into postgresql.auto.conf, so the
primary can name it in synchronous_standby_names.

Layout under `root`: `data/` (the cluster), `sock/` (the unix socket directory),
`postgres.log`. initdb and postgres refuse to run as root: when the current user is
root, they run as the `postgres` user if it exists (else a system user `sixfold-pg`,
created on first use) through `runuser`, and `root` is handed to that user, so it must
sit under a directory that user may traverse (e.g. made by `tempfile.mkdtemp()` in
/tmp; pytest's tmp_path under root is private to root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Self
from urllib.parse import quote

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
POLL_INTERVAL_S = 0.05
UNPRIVILEGED_USERS = ("postgres", "sixfold-pg")  # tried in order when running as root
SUPERUSER = "postgres"  # the database superuser initdb creates
DEFAULT_CONF = {  # a throwaway server: speed over durability
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "logging_collector": "off",
}


class PostgresNotInstalled(RuntimeError):
    pass


def bin_dir() -> Path:
    """The directory holding initdb/postgres/pg_ctl: `pg_config --bindir` if that has
    them, else the newest /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        try:
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=False)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.TimeoutExpired):
            pass
    candidates += sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    for c in candidates:
        if (c / "initdb").is_file() and (c / "postgres").is_file():
            return c
    raise PostgresNotInstalled(
        "PostgreSQL server binaries (initdb, postgres) not found via `pg_config --bindir` or in "
        "/usr/lib/postgresql/*/bin; install them with `apt-get install postgresql`")


def _run_as() -> str | None:
    """The user to run the server as, None for the current user (when it is not root)."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    name = UNPRIVILEGED_USERS[-1]
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                   check=True, capture_output=True)
    return name


class PostgresServer:
    def __init__(self, root: Path, port: int, password: str | None = None, extra_conf: dict | None = None,
                 user: str = SUPERUSER, standby_of: PostgresServer | None = None,
                 base_conf: dict | None = None, application_name: str | None = None):
        self.root = Path(root).resolve()
        self.port = port
        self.password = password
        self.user = user
        self.extra_conf = dict(extra_conf or {})
        self.standby_of = standby_of
        self.base_conf = dict(DEFAULT_CONF if base_conf is None else base_conf)
        self.application_name = application_name
        self.bin = bin_dir()
        self.os_user = _run_as()
        self.proc: subprocess.Popen | None = None

    # --- paths and endpoints -------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def dsn(self, database: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        user = user or self.user
        password = self.password if password is None else password
        auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{quote(database, safe='')}"

    @property
    def uri(self) -> str:
        return self.dsn()

    # --- processes ---------------------------------------------------------------------
    def _cmd(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", self.os_user, "--", *argv] if self.os_user else argv

    def _run(self, argv: list[str], **kw) -> subprocess.CompletedProcess:
        cp = subprocess.run(self._cmd(argv), capture_output=True, text=True, check=False, **kw)
        if cp.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({cp.returncode}):\n{cp.stdout}{cp.stderr}")
        return cp

    def _give(self, path: Path) -> None:
        if self.os_user:
            pw = pwd.getpwnam(self.os_user)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def _prepare_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        for p in (self.root, self.socket_dir):
            self._give(p)
        if self.os_user and subprocess.run(self._cmd(["test", "-w", str(self.root), "-a", "-x", str(self.root)]),
                                           capture_output=True, check=False).returncode != 0:
            raise RuntimeError(f"{self.root} is not reachable by user {self.os_user} (a parent directory is "
                               f"private); put it under a directory everyone may traverse, e.g. "
                               f"tempfile.mkdtemp() in /tmp")

    def init(self) -> None:
        """initdb (or, for a standby, pg_basebackup from the primary) unless done already;
        then append the conf."""
        if (self.data_dir / "PG_VERSION").is_file():
            return
        self._prepare_root()
        env = dict(os.environ)
        if self.standby_of is not None:
            p = self.standby_of
            if p.password:
                env["PGPASSWORD"] = p.password
            self._run([str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p.port), "-U", p.user,
                       "-D", str(self.data_dir), "-R", "-X", "stream", "--no-sync"], env=env)
            if self.application_name:
                self._set_application_name(self.application_name)
        else:
            argv = [str(self.bin / "initdb"), "-D", str(self.data_dir), "-U", self.user, "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions"]
            pwfile = self.root / "pwfile"
            if self.password:
                pwfile.write_text(self.password + "\n")
                self._give(pwfile)
                argv += ["--auth=scram-sha-256", f"--pwfile={pwfile}"]
            else:
                argv += ["--auth=trust"]
            try:
                self._run(argv, env=env)
            finally:
                pwfile.unlink(missing_ok=True)
        conf = {**self.base_conf, "listen_addresses": "'127.0.0.1'", "port": str(self.port),
                "unix_socket_directories": f"'{self.socket_dir}'", **self.extra_conf}
        lines = [f"{k} = {v}" for k, v in conf.items()]
        with open(self.data_dir / "postgresql.conf", "a") as f:
            f.write("\n# bench/pg_server.py\n" + "\n".join(lines) + "\n")

    def _set_application_name(self, name: str) -> None:
        """Append application_name to primary_conninfo in postgresql.auto.conf (it is a
        quoted libpq conninfo string: `primary_conninfo = 'user=... port=...'`)."""
        auto = self.data_dir / "postgresql.auto.conf"
        lines = auto.read_text().splitlines()
        hits = [i for i, line in enumerate(lines) if line.startswith("primary_conninfo = '") and line.endswith("'")]
        if not hits:
            raise RuntimeError(f"pg_basebackup -R wrote no primary_conninfo into {auto}")
        i = hits[-1]
        lines[i] = lines[i][:-1] + f" application_name={name}'"
        auto.write_text("\n".join(lines) + "\n")

    def conf_summary(self) -> dict:
        """The settings this module put on top of PostgreSQL's defaults."""
        return {**self.base_conf, "listen_addresses": "'127.0.0.1'", "port": str(self.port),
                "unix_socket_directories": f"'{self.socket_dir}'", **self.extra_conf,
                **({"primary_conninfo": f"(pg_basebackup -R) ... application_name={self.application_name}"}
                   if self.standby_of is not None else {})}

    def start(self) -> PostgresServer:
        """Start the server (initializing it first if needed) and wait until it accepts
        connections; RuntimeError with the log's tail if it exits or does not answer."""
        if self.proc is not None and self.proc.poll() is None:
            return self
        self.init()
        with open(self.log_path, "ab") as logf:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(self._cmd([str(self.bin / "postgres"), "-D", str(self.data_dir)]),
                                         stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        last = None
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self._probe()
                return self
            except Exception as e:  # noqa: BLE001 - still starting
                last = e
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"postgres did not accept connections within {START_TIMEOUT_S:.0f}s "
                                   f"(last error: {last}):\n{self.log_tail()}")
            time.sleep(POLL_INTERVAL_S)

    def _probe(self) -> None:
        import psycopg

        with psycopg.connect(self.uri, connect_timeout=2) as c:
            c.execute("SELECT 1")

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self, mode: str = "fast") -> None:
        """Shut down: "smart" (SIGTERM), "fast" (SIGINT) or "immediate" (SIGQUIT); SIGKILL
        if it has not exited within a bound. Waits until the postmaster is gone."""
        sig = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}[mode]
        pid = self.postmaster_pid()
        if pid is None and self.proc is not None and self.proc.poll() is None and not self.os_user:
            pid = self.proc.pid
        if pid is not None:
            _signal(pid, sig)
            if not _wait_gone(pid, STOP_TIMEOUT_S):
                _signal(pid, signal.SIGKILL)
                _wait_gone(pid, STOP_TIMEOUT_S)
        if self.proc is not None:
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie whose parent (runuser) has not reaped it yet counts as gone
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return True


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_INTERVAL_S)
    return True
