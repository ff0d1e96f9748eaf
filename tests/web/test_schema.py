"""Schemathesis against the studio's OpenAPI schema: every API route, with generated input,
answers only with documented status codes and bodies that fit the schema, never a 500."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schema tests need schemathesis")
pytest.importorskip("fastapi", reason="the web studio needs the web extra")

from hypothesis import HealthCheck, settings  # noqa: E402

from storyscore.web.app import StudioSettings, create_app  # noqa: E402
from storyscore.web.catalogue import Catalogue  # noqa: E402
from storyscore.web.jobs import CATALOGUE_FILE  # noqa: E402

DATA = Path(tempfile.mkdtemp(prefix="storyscore-schema-"))
APP = create_app(StudioSettings(data_dir=DATA, workers=1, queue_limit=3))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def studio_data():
    """Schemathesis runs the app's lifespan (the worker pool) around each test itself;
    the folder goes once the last generated story has finished."""
    yield
    catalogue = Catalogue(DATA / CATALOGUE_FILE)
    deadline = time.monotonic() + 120
    while catalogue.pending() and time.monotonic() < deadline:
        time.sleep(0.2)
    shutil.rmtree(DATA, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_api_route_keeps_to_its_schema(case):
    # Left out: "schema-valid data is accepted". The submit route has rules a multipart
    # schema cannot state (a file or text, not both; a story that is not blank), so some
    # schema-valid forms are rightly refused with 422.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])
