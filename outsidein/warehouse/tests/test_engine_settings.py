"""What an operator's environment variables make of the engines (docs/operations.md, "Scaling
out"); the clusters themselves are exercised by the compliance equivalence test."""

import os

import pytest

from outsidein.warehouse.engine_settings import DuckDBSettings, SettingError, SparkSettings, glob_root
from outsidein.warehouse.engines import open_engine

EVERYWHERE = "0.0.0.0"  # noqa: S104 - a setting under test, nothing binds here


def test_without_settings_spark_runs_here_on_loopback_with_twice_the_cores_in_partitions():
    conf = SparkSettings.from_environ({}).session_conf()
    assert conf["spark.driver.bindAddress"] == conf["spark.driver.host"] == "127.0.0.1"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.shuffle.partitions"] == str(2 * (os.cpu_count() or 1))
    assert SparkSettings.from_environ({}).master == "local[*]"


def test_a_cluster_master_with_its_address_partitions_and_extra_settings():
    settings = SparkSettings.from_environ({
        "OUTSIDEIN_SPARK_MASTER": "spark://spark-master.internal:7077",
        "OUTSIDEIN_SPARK_BIND_ADDRESS": EVERYWHERE,
        "OUTSIDEIN_SPARK_DRIVER_HOST": "10.0.0.5",
        "OUTSIDEIN_SPARK_SHUFFLE_PARTITIONS": "64",
        "OUTSIDEIN_SPARK_CONF": '{"spark.executor.memory": "4g", "spark.sql.ansi.enabled": false}',
    })
    conf = settings.session_conf()
    assert conf["spark.driver.bindAddress"] == EVERYWHERE
    assert conf["spark.driver.host"] == "10.0.0.5"
    assert conf["spark.sql.shuffle.partitions"] == "64"
    assert conf["spark.executor.memory"] == "4g"
    assert conf["spark.sql.ansi.enabled"] == "false"  # the operator's settings win


def test_on_a_cluster_spark_keeps_its_own_partition_count_unless_told():
    conf = SparkSettings(master="yarn").session_conf()
    assert "spark.sql.shuffle.partitions" not in conf
    assert conf["spark.sql.adaptive.enabled"] == "true"  # merges the small ones
    assert SparkSettings(master="local[3]").session_conf()["spark.sql.shuffle.partitions"] == "6"


def test_listening_everywhere_needs_an_address_executors_can_reach():
    with pytest.raises(SettingError, match="OUTSIDEIN_SPARK_DRIVER_HOST"):
        SparkSettings(master="yarn", bind_address=EVERYWHERE).session_conf()


def test_spark_connect_takes_sql_settings_only():
    settings = SparkSettings.from_environ({"OUTSIDEIN_SPARK_MASTER": "sc://spark.example:15002/;use_ssl=true",
                                           "OUTSIDEIN_SPARK_CONF": '{"spark.sql.shuffle.partitions": 32}'})
    conf = settings.session_conf()
    assert settings.connect
    assert conf["spark.sql.shuffle.partitions"] == "32"
    assert not any(key.startswith(("spark.driver.", "spark.ui.")) for key in conf)
    with pytest.raises(SettingError, match="spark.executor.memory"):
        SparkSettings(master="sc://x", conf={"spark.executor.memory": "2g"}).session_conf()


@pytest.mark.parametrize(("variables", "message"), [
    ({"OUTSIDEIN_SPARK_CONF": "spark.executor.memory=2g"}, "not JSON"),
    ({"OUTSIDEIN_SPARK_CONF": '["spark.executor.memory"]'}, "JSON object"),
    ({"OUTSIDEIN_SPARK_SHUFFLE_PARTITIONS": "many"}, "whole number"),
    ({"OUTSIDEIN_DUCKDB_THREADS": "0"}, "whole number"),
])
def test_a_setting_that_cannot_be_used_is_named(variables, message):
    with pytest.raises(SettingError, match=message):
        SparkSettings.from_environ(variables)
        DuckDBSettings.from_environ(variables)


def test_dataset_paths_become_urls_every_executor_reads(tmp_path):
    settings = SparkSettings(paths={"/srv/outsidein/var/interactions": "s3a://records/interactions",
                                    "/srv/outsidein": "file:///mnt/outsidein"})
    assert settings.dataset_url("/srv/outsidein/var/interactions/channel=*/month=*/*.parquet") == \
        "s3a://records/interactions/channel=*/month=*/*.parquet"  # the longest prefix wins
    assert settings.dataset_url("/srv/outsidein/other") == "file:///mnt/outsidein/other"
    assert settings.dataset_url("/srv/outsidein-old/x") == "file:///srv/outsidein-old/x"
    assert SparkSettings().dataset_url(tmp_path / "x") == f"file://{tmp_path}/x"
    assert SparkSettings().dataset_url("hdfs://nn/records") == "hdfs://nn/records"
    assert glob_root("s3a://b/i/channel=*/month=*/*.parquet") == "s3a://b/i/"
    assert glob_root("s3a://b/i") is None


def test_duckdb_limits_and_spill_folder_come_from_the_environment(tmp_path, monkeypatch):
    assert DuckDBSettings.from_environ({}) == DuckDBSettings("1536MB", None, None)
    monkeypatch.setenv("OUTSIDEIN_DUCKDB_MEMORY", "700MB")
    monkeypatch.setenv("OUTSIDEIN_DUCKDB_THREADS", "1")
    monkeypatch.setenv("OUTSIDEIN_DUCKDB_SPILL_DIR", str(tmp_path))
    engine = open_engine("duckdb")
    try:
        found = engine.query("SELECT current_setting('memory_limit') AS memory, "
                             "current_setting('threads') AS threads, "
                             "current_setting('temp_directory') AS spill").to_pylist()[0]
        spill = found["spill"]
        assert found["threads"] == 1
        assert found["memory"].startswith(("667", "700"))  # DuckDB prints MiB
        assert spill.startswith(str(tmp_path)) and os.path.isdir(spill)  # a folder of its own
    finally:
        engine.close()
    assert not os.path.exists(spill)
