"""deploy/docker-compose.yml and deploy/Dockerfile are generated from deploy/cluster.json
by `python -m deploy.compose`: the checked-in files must be what the generator writes
now, and must run every process of the spec (storage nodes, the control plane, the
compute instances, the router) with the right command, ports, start order and
healthcheck. deploy/compose_smoke.sh runs them under Docker for real."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from deploy.compose import (
    BASE_IMAGE_DEFAULT,
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
from sixfold.spec import ClusterSpec, RouterSpec, StorageNodeSpec

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
        elif section == "services" and (m := re.match(r'^      - "(.+:\d+)"$', line)) and "ports" in current:
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


def test_the_spec_is_the_ha_topology():
    spec = ClusterSpec.load(DEFAULT_SPEC)
    assert len(spec.storage_nodes) == 6 and {n.az for n in spec.storage_nodes} == {"az1", "az2", "az3"}
    assert [(c.name, c.role, c.tier, c.az) for c in spec.compute_nodes] == [
        ("db-1", "writer", 0, "az1"), ("db-2", "replica", 1, "az2"), ("db-3", "replica", 1, "az3")]
    assert all(c.admin_port for c in spec.compute_nodes)
    assert spec.control_plane is not None and spec.router is not None
    assert spec.auth["method"] == "scram-sha-256" and not spec.auth.get("users")  # the password comes from the env
    for n in (*spec.storage_nodes, *spec.compute_nodes):
        assert n.host == n.name  # a process binds host:port; in compose the host is the service name


def test_every_process_has_its_service():
    spec = ClusterSpec.load(DEFAULT_SPEC)
    services = parse((DEPLOY_DIR / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    assert set(services) == ({n.name for n in spec.storage_nodes} | {c.name for c in spec.compute_nodes}
                             | {spec.control_plane.host, spec.router.host})
    prefix = ["python", "-m"]
    for n in spec.storage_nodes:
        s = services[n.name]
        assert s["command"] == [*prefix, "storage_node", "--cluster-spec", SPEC_IN_CONTAINER,
                                "--name", n.name, "--data-dir", "/data"]
        assert s.get("expose") == [str(n.port)] and "ports" not in s
    for c in spec.compute_nodes:
        s = services[c.name]
        assert s["command"] == [*prefix, "compute_node", "--cluster-spec", SPEC_IN_CONTAINER, "--name", c.name]
        assert s.get("expose") == [str(c.port), str(c.admin_port)] and "ports" not in s  # clients use the router
    assert services[spec.control_plane.host]["command"] == [*prefix, "control_plane", "--cluster-spec",
                                                            SPEC_IN_CONTAINER, "--data-dir", "/data"]
    assert services[spec.control_plane.host].get("expose") == [str(spec.control_plane.port)]
    r = spec.router
    assert services[r.host]["command"] == [*prefix, "router", "--cluster-spec", SPEC_IN_CONTAINER]
    # the endpoints are published on the host: on the spec's ports unless the environment moves them
    assert services[r.host]["ports"] == [f"${{SIXFOLD_WRITER_PORT:-{r.writer_port}}}:{r.writer_port}",
                                         f"${{SIXFOLD_READER_PORT:-{r.reader_port}}}:{r.reader_port}"]


def test_compose_structure_with_yaml():
    yaml = pytest.importorskip("yaml")
    spec = ClusterSpec.load(DEFAULT_SPEC)
    doc = yaml.safe_load((DEPLOY_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    services = doc["services"]
    cp, router = spec.control_plane.host, spec.router.host
    assert set(doc["volumes"]) == {f"{n.name}-data" for n in spec.storage_nodes} | {f"{cp}-data"}
    spec_mount = f"./cluster.json:{SPEC_IN_CONTAINER}:ro"
    for n in spec.storage_nodes:
        s = services[n.name]
        assert s["volumes"] == [spec_mount, f"{n.name}-data:/data"]
        assert s["environment"]["SIXFOLD_AZ"] == n.az and s["labels"]["sixfold.az"] == n.az
        assert f"'{n.address}'" in s["healthcheck"]["test"][3]
        assert "depends_on" not in s  # storage starts first
    assert services[cp]["volumes"] == [spec_mount, f"{cp}-data:/data"]
    healthy = {"condition": "service_healthy"}
    storage = {n.name: healthy for n in spec.storage_nodes}
    assert services[cp]["depends_on"] == storage
    for c in spec.compute_nodes:
        s = services[c.name]
        assert s["volumes"] == [spec_mount]
        assert s["environment"][PASSWORD_ENV].startswith(f"${{{PASSWORD_ENV}:?")  # required: no default password
        assert s["labels"]["sixfold.az"] == c.az and s["labels"]["sixfold.start-role"] == c.role
        first = {spec.writer.name: healthy} if c.role == "replica" else {}
        assert s["depends_on"] == {**storage, cp: healthy, **first}
        assert f"('{c.host}', {c.port})" in s["healthcheck"]["test"][3]
    assert services[router]["depends_on"] == {cp: healthy, spec.writer.name: healthy}
    assert f"('{router}', {spec.router.writer_port})" in services[router]["healthcheck"]["test"][3]
    for name, s in services.items():
        test = s["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "-c"], name
        compile(test[3], f"healthcheck of {name}", "exec")
        assert "$" not in test[3]  # no interpolation
        assert s["restart"] == "unless-stopped" and s["image"] == "sixfold:latest"
        assert s["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert s["hostname"] == name
        assert (PASSWORD_ENV in s["environment"]) == (s["labels"]["sixfold.role"] == "compute")  # only they log in


def test_dockerfile():
    text = render_dockerfile()
    assert text == (DEPLOY_DIR / "Dockerfile").read_text(encoding="utf-8")
    # the base image is a build argument (a local image where no registry is reachable)
    assert f"\nARG BASE_IMAGE={BASE_IMAGE_DEFAULT}\nFROM ${{BASE_IMAGE}}\n" in text
    assert BASE_IMAGE_DEFAULT == "python:3.11-slim"
    assert text.index("ARG BASE_IMAGE") < text.index("FROM ") and "pip install /src" in text
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
    spec.replace(router=RouterSpec(spec.router.host, 6543, spec.router.reader_port)).save(other)
    cp = subprocess.run([sys.executable, "-m", "deploy.compose", "--spec", str(other), "--check"], cwd=REPO_ROOT,
                        capture_output=True, text=True, timeout=60, check=False)
    assert cp.returncode == 1 and '"${SIXFOLD_WRITER_PORT:-6543}:6543"' in cp.stdout and "stale" in cp.stderr


def test_a_host_that_is_not_the_service_name_is_refused():
    spec = ClusterSpec.load(DEFAULT_SPEC)
    odd = spec.replace(compute_nodes=(spec.compute_nodes[0].__class__("db-1", "az1", "10.0.0.5", 5432),))
    with pytest.raises(ValueError, match="service name"):
        render_compose(odd)
