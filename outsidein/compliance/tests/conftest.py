"""One Spark session for the whole test run (it takes long to start), or a visible skip."""

import importlib.util
import shutil

import pytest

from conftest import skip_or_fail
from outsidein.warehouse.engines import open_engine, spark_session


@pytest.fixture(scope="session")
def spark_engine():
    """A Spark SQL engine in local mode on loopback; skipped (failed in CI) without Java or pyspark."""
    if importlib.util.find_spec("pyspark") is None:
        skip_or_fail("pyspark is not installed")
    if shutil.which("java") is None:
        skip_or_fail("Java is not installed (Spark needs it)")
    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    engine = open_engine("spark", session=session)
    yield engine
    engine.close()
    session.stop()
