"""Availability zones as Linux network namespaces, so an AZ can be cut off for real.

Each AZ gets a namespace with one address (10.77.<k>.1) on a veth link to a bridge in
the root namespace (10.77.0.1), where the control plane, the router and the clients
run. The processes of an AZ run inside its namespace (`wrap(az, argv)`); cutting the
AZ takes its veth link down: nothing in it reaches anything outside, nothing outside
reaches it, and TCP connections across stall until keepalive ends them, as in a real
partition. Healing brings the link back. Needs root and iproute2; `available()` says
whether this machine can.
"""

from __future__ import annotations

import os
import shutil
import subprocess

SUBNET_PREFIX = "10.77"
CLONE_NEWNET = 0x40000000


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=10)


def _forwarding(action: str, bridge: str) -> None:
    """Let traffic cross the bridge between AZs even where a firewall (Docker's, say)
    drops forwarded packets by default and bridged traffic goes through iptables."""
    if shutil.which("iptables") is None:
        return
    rule = ["FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"]
    if action == "-I" and subprocess.run(["iptables", "-w", "-C", *rule], capture_output=True).returncode == 0:
        return
    subprocess.run(["iptables", "-w", action, *rule], capture_output=True, timeout=10)


def available() -> bool:
    """Whether namespaces can be made here (root, iproute2, and the kernel lets us)."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    probe = f"sfprobe{os.getpid() % 100000}"
    ok = _ip("netns", "add", probe, check=False).returncode == 0
    if ok:
        _ip("netns", "del", probe, check=False)
    return ok


def _remove_orphan_bridges() -> None:
    """Delete `sfbr<tag>` bridges whose namespaces are gone: a run that died before its
    clean-up leaves one holding 10.77.0.1, and every later run's AZs would be unreachable."""
    links = _ip("-o", "link", "show", "type", "bridge", check=False).stdout
    namespaces = _ip("netns", "list", check=False).stdout
    for line in links.splitlines():
        name = line.split(":")[1].strip().split("@")[0] if ":" in line else ""
        if name.startswith("sfbr") and f"sf{name[4:]}az" not in namespaces:
            _ip("link", "del", name, check=False)


class AzNetwork:
    def __init__(self, run_id: str, azs: list[str]):
        self.tag = "".join(c for c in run_id if c.isalnum())[-6:] or "0"
        self.azs = list(azs)
        self.bridge = f"sfbr{self.tag}"
        self.cut_azs: set[str] = set()

    def ns(self, az: str) -> str:
        return f"sf{self.tag}{az}"

    def _veth(self, az: str) -> str:
        return f"sfv{self.tag}{self.azs.index(az)}"

    @property
    def root_host(self) -> str:
        return f"{SUBNET_PREFIX}.0.1"

    def host_of(self, az: str) -> str:
        return f"{SUBNET_PREFIX}.{self.azs.index(az) + 1}.1"

    def create(self) -> None:
        self.destroy()  # leftovers of a run that died
        _remove_orphan_bridges()
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.root_host}/16", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        _forwarding("-I", self.bridge)
        for az in self.azs:
            ns, veth = self.ns(az), self._veth(az)
            _ip("netns", "add", ns)
            _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
            _ip("link", "set", veth, "master", self.bridge)
            _ip("link", "set", veth, "up")
            _ip("-n", ns, "addr", "add", f"{self.host_of(az)}/16", "dev", "eth0")
            _ip("-n", ns, "link", "set", "eth0", "up")
            _ip("-n", ns, "link", "set", "lo", "up")

    def wrap(self, az: str, argv: list[str]) -> list[str]:
        """The command line that runs `argv` inside `az`'s namespace."""
        return ["ip", "netns", "exec", self.ns(az), *argv]

    def enter(self, az: str) -> None:
        """Move the calling thread (only it) into `az`'s namespace: sockets it opens from
        now on live in that AZ, like a client on an application server there."""
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        fd = os.open(f"/var/run/netns/{self.ns(az)}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"setns into {self.ns(az)}: {os.strerror(err)}")
        finally:
            os.close(fd)

    def cut(self, az: str) -> None:
        """Partition `az` from every other AZ and from the root namespace."""
        _ip("link", "set", self._veth(az), "down")
        self.cut_azs.add(az)

    def heal(self, az: str) -> None:
        _ip("link", "set", self._veth(az), "up")
        self.cut_azs.discard(az)

    def silence(self, az: str, host: str, port: int, on: bool) -> None:
        """Drop (on) or stop dropping TCP packets from host:port into `az`: the AZ stops
        hearing one service (the control plane) while everything else still flows."""
        rule = ["INPUT", "-s", host, "-p", "tcp", "--sport", str(port), "-j", "DROP"]
        subprocess.run(["ip", "netns", "exec", self.ns(az), "iptables", "-w", "-I" if on else "-D", *rule],
                       capture_output=True, text=True, check=on, timeout=10)

    def destroy(self) -> None:
        for az in self.azs:
            _ip("netns", "del", self.ns(az), check=False)
            _ip("link", "del", self._veth(az), check=False)
        _forwarding("-D", self.bridge)
        _ip("link", "del", self.bridge, check=False)
