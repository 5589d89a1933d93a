"""deploy/docker-compose.yml and deploy/Dockerfile are generated from deploy/cluster.json
by `python -m deploy.compose`: the checked-in files must be what the generator writes
now, and must name every node of the spec with the right command and ports."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from deploy.compose import (
    DEFAULT_SPEC,
    DEPLOY_DIR,
    PASSWORD_ENV,
    REPO_ROOT,
    SPEC_IN_CONTAINER,
    header,
    render_all,
    render_compose,
    render_dockerfile,
)
from sixfold.spec import ClusterSpec, StorageNodeSpec

HEADER = header("deploy/cluster.json")


def parse(text: str) -> dict:
    """The compose file as data: with PyYAML when it is importable, else the few facts the
    tests need, read from the fixed layout the generator writes."""
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        return yaml.safe_load(text)
    services: dict[str, dict] = {}
    section = None
    for line in text.splitlines():
        if re.match(r"^\S", line):
            section = line.rstrip(":")
        elif section == "services" and re.match(r"^  \S", line):
            current = services.setdefault(line.strip().rstrip(":"), {})
        elif section == "services" and (m := re.match(r"^    command: \[(.*)\]$", line)):
            current["command"] = [a.strip().strip('"') for a in m.group(1).split(",")]
        elif section == "services" and (m := re.match(r'^      - "(\d+:\d+)"$', line)) and "ports" in current:
            current["ports"].append(m.group(1))
        elif section == "services" and line == "    ports:":
            current["ports"] = []
        elif section == "services" and (m := re.match(r'^      - "(\d+)"$', line)):
            current.setdefault("expose", []).append(m.group(1))
    return {"services": services}


def test_checked_in_files_are_fresh():
    for path, text in render_all(DEFAULT_SPEC).items():
        assert path.is_file(), f"{path} is missing: run `python -m deploy.compose`"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `python -m deploy.compose`"
    cp = subprocess.run([sys.executable, "-m", "deploy.compose", "--check"], cwd=REPO_ROOT, capture_output=True,
                        text=True, timeout=60, check=False)
    assert cp.returncode == 0, cp.stdout + cp.stderr


def test_headers_say_generated():
    for name in ("docker-compose.yml", "Dockerfile"):
        assert (DEPLOY_DIR / name).read_text(encoding="utf-8").startswith(HEADER)


def test_every_node_has_its_service():
    spec = ClusterSpec.load(DEFAULT_SPEC)
    assert len(spec.storage_nodes) == 6 and spec.writer is not None
    assert spec.auth["method"] == "scram-sha-256" and not spec.auth.get("users")
    services = parse((DEPLOY_DIR / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    assert set(services) == {n.name for n in spec.storage_nodes} | {c.name for c in spec.compute_nodes}
    for n in spec.storage_nodes:
        s = services[n.name]
        assert s["command"] == ["python", "-m", "storage_node", "--cluster-spec", SPEC_IN_CONTAINER,
                                "--name", n.name, "--data-dir", "/data"]
        assert s.get("expose") == [str(n.port)]
        assert n.host == n.name  # the node binds host:port; in compose the host is the service name
    for c in spec.compute_nodes:
        s = services[c.name]
        assert s["command"] == ["python", "-m", "compute_node", "--cluster-spec", SPEC_IN_CONTAINER, "--name", c.name]
        assert s["ports"] == [f"{c.port}:{c.port}"]


def test_compose_structure_with_yaml():
    yaml = pytest.importorskip("yaml")
    spec = ClusterSpec.load(DEFAULT_SPEC)
    doc = yaml.safe_load((DEPLOY_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    assert set(doc["volumes"]) == {f"{n.name}-data" for n in spec.storage_nodes}
    for n in spec.storage_nodes:
        s = doc["services"][n.name]
        assert f"{n.name}-data:/data" in s["volumes"] and f"./cluster.json:{SPEC_IN_CONTAINER}:ro" in s["volumes"]
        assert s["environment"]["SIXFOLD_AZ"] == n.az and s["labels"]["sixfold.az"] == n.az
        test = s["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "-c"] and f"'{n.address}'" in test[3]
        compile(test[3], "healthcheck", "exec")
    w = doc["services"][spec.writer.name]
    assert w["environment"][PASSWORD_ENV].startswith(f"${{{PASSWORD_ENV}:?")
    assert w["depends_on"] == {n.name: {"condition": "service_healthy"} for n in spec.storage_nodes}
    compile(w["healthcheck"]["test"][3], "healthcheck", "exec")
    assert "$" not in "".join(s["healthcheck"]["test"][3] for s in doc["services"].values())  # no interpolation


def test_dockerfile():
    text = render_dockerfile()
    assert "\nFROM python:3.11-slim\n" in text and "pip install /src" in text
    user = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert user and user[-1] not in ("root", "0")


def test_a_spec_change_changes_the_output():
    spec = ClusterSpec.load(DEFAULT_SPEC)
    before = render_compose(spec)
    bigger = spec.replace(storage_nodes=(*spec.storage_nodes, StorageNodeSpec("sn-az1-c", "az1", "sn-az1-c", 7100)))
    after = render_compose(bigger)
    assert after != before
    services = parse(after)["services"]
    assert services["sn-az1-c"]["command"][-3] == "sn-az1-c"
    assert (DEPLOY_DIR / "docker-compose.yml").read_text(encoding="utf-8") != after  # the drift test would fail


def test_check_reports_a_stale_file(tmp_path):
    spec = ClusterSpec.load(DEFAULT_SPEC)
    other = tmp_path / "cluster.json"
    spec.replace(compute_nodes=(spec.writer.__class__("writer", "az1", "writer", 6543),)).save(other)
    cp = subprocess.run([sys.executable, "-m", "deploy.compose", "--spec", str(other), "--check"], cwd=REPO_ROOT,
                        capture_output=True, text=True, timeout=60, check=False)
    assert cp.returncode == 1 and '"6543:6543"' in cp.stdout and "stale" in cp.stderr
