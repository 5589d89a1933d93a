"""Where clients connect: PostgreSQL URIs of a cluster's endpoints, with credentials.

A local cluster keeps its generated password in `<data-dir>/credentials.json`
(`{"user": ..., "password": ...}`, mode 0600); the spec holds only the SCRAM verifier.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from urllib.parse import quote

from sixfold.spec import ClusterSpec

CREDENTIALS_FILE = "credentials.json"
DEFAULT_USER = "sixfold"


def new_password() -> str:
    """A random password safe to put in a URI (URL-safe base64, 128 bits)."""
    return secrets.token_urlsafe(16)


def save_credentials(data_dir: str | Path, user: str, password: str) -> Path:
    path = Path(data_dir) / CREDENTIALS_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"user": user, "password": password}, f)
    tmp.replace(path)
    return path


def load_credentials(data_dir: str | Path) -> dict | None:
    """{"user", "password"} of a local cluster, None when it has none (trust)."""
    try:
        d = json.loads((Path(data_dir) / CREDENTIALS_FILE).read_text())
    except FileNotFoundError:
        return None
    return {"user": str(d["user"]), "password": str(d["password"])}


def uri(host: str, port: int, database: str, user: str, password: str | None) -> str:
    auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"postgresql://{auth}@{host}:{port}/{quote(database, safe='')}"


def endpoints(spec: ClusterSpec, credentials: dict | None) -> dict[str, str]:
    """Endpoint name -> URI. `writer` is the cluster (read-write) endpoint; each compute
    node also has its own, under its name.

    With a router in the spec, `writer` and `reader` are the router's ports (they follow
    failover) and each custom endpoint is listed under its name (an instance of the same
    name keeps its own URI: the router refuses such a spec). Without one, `writer` is the
    instance that starts as the writer."""
    user = credentials["user"] if credentials else DEFAULT_USER
    password = credentials["password"] if credentials else None
    out = {}
    for n in spec.compute_nodes:
        out[n.name] = uri(n.host, n.port, spec.database, user, password)
    r = spec.router
    if r is not None:
        out["writer"] = uri(r.host, r.writer_port, spec.database, user, password)
        out["reader"] = uri(r.host, r.reader_port, spec.database, user, password)
        for name, c in sorted(r.custom.items()):
            out.setdefault(name, uri(r.host, c.port, spec.database, user, password))
        return out
    w = spec.writer
    if w is not None:
        out["writer"] = uri(w.host, w.port, spec.database, user, password)
    return out


def writer_uri(data_dir: str | Path) -> str:
    """The writer endpoint of the local cluster in `data_dir`; LookupError if none."""
    path = Path(data_dir) / "cluster.json"
    if not path.is_file():
        raise LookupError(f"no cluster at {Path(data_dir).resolve()} (no cluster.json); run `sixfold up`")
    spec = ClusterSpec.load(path)
    eps = endpoints(spec, load_credentials(data_dir))
    if "writer" not in eps:
        raise LookupError(f"the cluster at {Path(data_dir).resolve()} has no writer compute node")
    return eps["writer"]
