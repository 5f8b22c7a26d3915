"""An S3-compatible server on loopback for tests: moto's server mode, in a thread.

`s3_server` (session-wide) starts it once and points `OUTSIDEIN_S3_ENDPOINT` and test
credentials at it; `s3_bucket` makes a fresh, empty bucket for one test.
"""

import os
import socket
import uuid

import pyarrow.fs as pafs
import pytest


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                            "OUTSIDEIN_S3_ENDPOINT", "OUTSIDEIN_S3_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      OUTSIDEIN_S3_ENDPOINT=f"http://127.0.0.1:{port}",
                      OUTSIDEIN_S3_REGION="us-east-1")
    try:
        yield pafs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http",
                                access_key="testing", secret_key="testing", region="us-east-1",
                                allow_bucket_creation=True)
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def s3_bucket(s3_server) -> str:
    """The name of a new, empty bucket."""
    name = f"store-{uuid.uuid4().hex[:12]}"
    s3_server.create_dir(name)
    return name
