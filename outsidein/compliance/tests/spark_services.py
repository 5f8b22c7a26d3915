"""A Spark standalone master and worker, and a Spark Connect server, for tests: started from the
pyspark package's own launcher and jars, bound to loopback on ports free at run time, web UIs on
loopback too (the master and worker have no switch to turn theirs off; the drivers' are off),
and every process stopped with its whole process group, whatever the test did."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
START_SECONDS = 120  # a loaded two-core machine starts a JVM slowly


def spark_home() -> Path:
    """The folder of the installed pyspark package (it holds bin/, sbin/ and jars/)."""
    return Path(importlib.util.find_spec("pyspark").submodule_search_locations[0])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((LOOPBACK, port)) == 0


class Process:
    """One Spark process in its own process group, its output in a log file."""

    def __init__(self, name: str, command: list[str], *, folder: Path, env: dict[str, str]):
        self.name = name
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                                          stdin=subprocess.DEVNULL, env=env, cwd=folder,
                                          start_new_session=True)

    def wait_until(self, ready, what: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not ready():
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} ended before {what}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: no {what} after {START_SECONDS} s:\n{self.tail()}")
            time.sleep(0.25)

    def logged(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the process group (the JVM and what it started: executors, spark-submit's JVM),
        politely first, then for good."""
        group = self.popen.pid
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                self.popen.poll()  # reaped, it no longer counts as a member of the group
                if not _group_alive(group):
                    return
                time.sleep(0.2)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _environment(folder: Path) -> dict[str, str]:
    conf = folder / "conf"  # an empty configuration folder: nothing from the machine's
    conf.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
    home = spark_home()
    env.update(SPARK_HOME=str(home), SPARK_CONF_DIR=str(conf), SPARK_LOCAL_IP=LOOPBACK,
               SPARK_LOG_DIR=str(folder), SPARK_PID_DIR=str(folder),
               SPARK_WORKER_DIR=str(folder / "work"),
               # The master's REST submission server listens on a fixed port (6066) otherwise.
               SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false",
               SPARK_NO_DAEMONIZE="1")
    return env


@dataclass
class StandaloneCluster:
    """A master and one worker; `url` is the master's spark:// URL."""

    url: str
    folder: Path


def start_standalone(stack: ExitStack, folder: Path, *, cores: int = 2,
                     memory: str = "1g") -> StandaloneCluster:
    """Start a master and a worker (stopped when `stack` closes); returns once the worker has
    registered with the master."""
    env = _environment(folder)
    spark_class = str(spark_home() / "bin" / "spark-class")
    port = free_port()
    master = Process("master", [spark_class, "org.apache.spark.deploy.master.Master",
                                "--host", LOOPBACK, "--port", str(port),
                                "--webui-port", str(free_port())], folder=folder, env=env)
    stack.callback(master.stop)
    master.wait_until(lambda: _listening(port), "master listening")
    url = f"spark://{LOOPBACK}:{port}"
    worker = Process("worker", [spark_class, "org.apache.spark.deploy.worker.Worker",
                                "--host", LOOPBACK, "--port", str(free_port()),
                                "--webui-port", str(free_port()), "--cores", str(cores),
                                "--memory", memory, "--work-dir", str(folder / "work"), url],
                     folder=folder, env=env)
    stack.callback(worker.stop)
    worker.wait_until(lambda: worker.logged("Successfully registered with master"),
                      "registration with the master")
    return StandaloneCluster(url=url, folder=folder)


def start_connect_server(stack: ExitStack, folder: Path, *, master: str,
                         conf: dict[str, str]) -> str:
    """Start a Spark Connect server (its driver on `master`), stopped when `stack` closes;
    returns its sc:// URL once it listens."""
    env = _environment(folder)
    port = free_port()
    settings = {
        "spark.connect.grpc.binding.address": LOOPBACK,
        "spark.connect.grpc.binding.port": str(port),
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.ui.enabled": "false",
    } | conf
    command = ["bash", str(spark_home() / "sbin" / "start-connect-server.sh"), "--wait",
               "--master", master]
    for key, value in settings.items():
        command += ["--conf", f"{key}={value}"]
    server = Process("connect", command, folder=folder, env=env)
    stack.callback(server.stop)
    server.wait_until(lambda: _listening(port), "Spark Connect listening")
    return f"sc://{LOOPBACK}:{port}"
