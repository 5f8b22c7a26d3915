"""Spark for the tests, reached each way an installation may reach it: in this process (local
mode), on a standalone cluster (a master and a worker), and through a Spark Connect server on that
cluster. A test asking for `spark_engine` runs once per way; pytest finishes one way's tests
before it starts the next, so one Spark session (slow to start) serves them all, and the cluster
is shared by the last two. Skipped (failed in CI) without Java or pyspark."""

import importlib.util
import shutil
from contextlib import ExitStack

import pytest

from conftest import skip_or_fail
from outsidein.compliance.tests.spark_services import start_connect_server, start_standalone
from outsidein.warehouse.engine_settings import SparkSettings
from outsidein.warehouse.engines import open_engine, spark_session

SPARK_WAYS = ("local", "standalone", "connect")
# Small executors: the whole test world shares two cores with everything else.
EXECUTOR = {"spark.executor.memory": "512m", "spark.executor.cores": "2"}


def require_spark() -> None:
    if importlib.util.find_spec("pyspark") is None:
        skip_or_fail("pyspark is not installed")
    if shutil.which("java") is None:
        skip_or_fail("Java is not installed (Spark needs it)")


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory):
    """A standalone master and one worker on loopback, stopped at the end of the run."""
    require_spark()
    with ExitStack() as stack:
        yield start_standalone(stack, tmp_path_factory.mktemp("spark-cluster"))


@pytest.fixture(scope="session", params=SPARK_WAYS)
def spark_engine(request, tmp_path_factory):
    """A Spark SQL engine reached one of the three ways (the test's id names which)."""
    require_spark()
    with ExitStack() as stack:
        if request.param == "local":
            settings = SparkSettings(master="local[2]")
        elif request.param == "standalone":
            cluster = request.getfixturevalue("spark_cluster")
            # The executors see the test's files under another name (as on a cluster whose
            # nodes mount the store elsewhere): what OUTSIDEIN_SPARK_PATHS is for.
            mount = cluster.folder / "mount"
            mount.symlink_to(tmp_path_factory.getbasetemp(), target_is_directory=True)
            # What OUTSIDEIN_SPARK_MASTER, _SHUFFLE_PARTITIONS, _CONF and _PATHS would say.
            settings = SparkSettings(master=cluster.url, shuffle_partitions=4, conf=EXECUTOR,
                                     paths={str(tmp_path_factory.getbasetemp()): f"file://{mount}"})
        else:
            cluster = request.getfixturevalue("spark_cluster")
            url = start_connect_server(stack, tmp_path_factory.mktemp("spark-connect"),
                                       master=cluster.url, conf=EXECUTOR)
            settings = SparkSettings(master=url, shuffle_partitions=4)
        session = spark_session(settings=settings)
        stack.callback(session.stop)
        if not settings.connect:
            assert session.sparkContext.master == settings.master
            session.sparkContext.setLogLevel("ERROR")
        engine = open_engine("spark", session=session, settings=settings)
        stack.callback(engine.close)
        yield engine
