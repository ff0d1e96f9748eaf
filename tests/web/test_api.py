"""The studio's JSON API, in process: submit, follow, fetch, download, continue; its limits
and its safety (sizes, queue, ids, paths, tokens, errors); and a restart that loses nothing."""

from __future__ import annotations

import io
import json
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web studio needs the web extra")

import httpx2
from fastapi.testclient import TestClient

from storyscore.errors import StoryscoreError
from storyscore.web.app import StudioSettings, create_app
from storyscore.web.catalogue import Catalogue
from storyscore.web.jobs import CATALOGUE_FILE, job_folder
from tests.conftest import REPO, TINY_STORY
from tests.ingest.test_epub import build_epub
from tests.web.server import start_studio

STORY = TINY_STORY.read_text(encoding="utf-8")


def wait_for(client: TestClient, album_id: str, timeout: float = 120) -> dict:
    """The album's status once its job has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/albums/{album_id}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"album {album_id} did not finish in {timeout} s")


def submit(client: TestClient, **form) -> str:
    response = client.post("/api/albums", data={"text": STORY, "seed": "5", **form})
    assert response.status_code == 202, response.text
    return response.json()["id"]


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """A studio with one finished album; the client is shared by the module's tests."""
    data = tmp_path_factory.mktemp("studio")
    with TestClient(create_app(StudioSettings(data_dir=data, workers=1))) as client:
        album_id = submit(client, style="piano")
        status = wait_for(client, album_id)
        assert status["status"] == "done", status
        yield client, album_id, data


def test_an_album_is_composed_and_its_status_carries_album_json(studio):
    client, album_id, _ = studio
    status = client.get(f"/api/albums/{album_id}").json()
    assert status["progress"] == 1 and status["stage"] == "done"
    assert status["options"] == {"seed": 5, "style": "piano", "tracks": None}
    assert status["album"]["style"] == "piano" and status["album"]["seed"] == 5
    assert status["tracks"] == len(status["album"]["tracks"]) and status["seconds"] > 0
    listed = client.get("/api/albums").json()
    assert album_id in [entry["id"] for entry in listed]
    assert all(entry["album"] is None for entry in listed)  # the list stays light


def test_files_arc_and_download(studio):
    client, album_id, _ = studio
    album = client.get(f"/api/albums/{album_id}").json()["album"]
    midi = client.get(f"/api/albums/{album_id}/files/{album['tracks'][0]['files']['midi']}")
    assert midi.status_code == 200 and midi.content.startswith(b"MThd")
    arc = client.get(f"/api/albums/{album_id}/arc").json()
    assert len(arc["text"]) == len(arc["sentence"]) == len(arc["valence"]) > 0
    assert all(isinstance(text, str) and text for text in arc["text"])
    download = client.get(f"/api/albums/{album_id}/download")
    assert download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert any(name.endswith("/album.json") for name in names)
    assert sum(name.endswith(".mid") for name in names) == len(album["tracks"])


def test_the_next_song_is_added(studio):
    client, album_id, _ = studio
    before = client.get(f"/api/albums/{album_id}").json()["tracks"]
    response = client.post(
        f"/api/albums/{album_id}/next", data={"text": "Ada and Samuel met again by the sea."}
    )
    assert response.status_code == 202
    status = wait_for(client, album_id)
    assert status["status"] == "done" and status["job"] == "next"
    assert status["tracks"] == before + 1


@pytest.mark.parametrize(
    "path",
    [
        "../../catalogue.sqlite3",
        "..%2F..%2Fcatalogue.sqlite3",
        "%2e%2e/%2e%2e/catalogue.sqlite3",
        "tracks/../../story.txt",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "..\\..\\catalogue.sqlite3",
        "tracks",
        "missing.mid",
    ],
)
def test_file_routes_never_leave_the_album(studio, path):
    client, album_id, _ = studio
    response = client.get(f"/api/albums/{album_id}/files/{path}")
    assert response.status_code == 404  # some are refused by routing, the rest by the route
    assert b"SQLite" not in response.content and b"root:" not in response.content


@pytest.mark.parametrize("album_id", ["nope", "%2e%2e%2Falbums", "A" * 22, "%2e%2e"])
def test_unknown_ids_are_not_found(studio, album_id):
    client, _, _ = studio
    assert client.get(f"/api/albums/{album_id}").status_code == 404


@pytest.mark.parametrize(
    ("form", "files", "message"),
    [
        ({"text": "  "}, None, "empty"),
        ({}, None, "give the story"),
        ({"text": STORY, "style": "polka"}, None, "'film', 'piano', 'jazz' or 'waltz'"),
        ({"text": STORY, "tracks": "99"}, None, None),
        ({}, {"file": ("story.pdf", b"%PDF-1.7", "application/pdf")}, "not a story file"),
        ({"text": STORY}, {"file": ("a.txt", b"Hello there.", "text/plain")}, "not both"),
    ],
)
def test_bad_submissions_are_refused_with_a_reason(studio, form, files, message):
    client, _, _ = studio
    response = client.post("/api/albums", data=form, files=files)
    assert response.status_code == 422
    if message:
        assert message in json.dumps(response.json()["detail"])


def test_an_unreadable_story_fails_its_job_with_one_line(studio):
    client, _, _ = studio
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    response = client.post("/api/albums", files={"file": ("cover.txt", picture, "text/plain")})
    status = wait_for(client, response.json()["id"])
    assert status["status"] == "failed"
    assert "PNG image" in status["error"] and "\n" not in status["error"]


def test_an_uploaded_markdown_file_is_composed(studio):
    client, _, _ = studio
    upload = {"file": ("tale.md", f"# A Tale\n\n{STORY}".encode(), "text/markdown")}
    response = client.post("/api/albums", data={"style": "waltz"}, files=upload)
    status = wait_for(client, response.json()["id"])
    assert status["status"] == "done" and status["source_name"] == "tale.md"
    assert all(track["meter"] == "3/4" for track in status["album"]["tracks"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ferry.fountain", (REPO / "tests/data/ingest/the-night-ferry.fountain").read_bytes()),
        ("lighthouse.epub", build_epub()),
    ],
)
def test_screenplays_and_epubs_are_composed(studio, name, content):
    client, _, _ = studio
    upload = {"file": (name, content, "application/octet-stream")}
    response = client.post("/api/albums", files=upload)
    status = wait_for(client, response.json()["id"])
    assert status["status"] == "done", status["error"]
    assert status["source_name"] == name and status["tracks"] >= 2


def test_the_page_is_served(studio):
    client, _, _ = studio
    page = client.get("/")
    assert page.status_code == 200 and "<label for=\"story-text\">" in page.text
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../app.py").status_code == 404


def test_an_internal_error_reaches_the_client_without_a_stack_trace(studio):
    client, album_id, data = studio
    album_json = job_folder(data, album_id) / "album" / "album.json"
    saved = album_json.read_bytes()
    album_json.write_text("{broken", encoding="utf-8")
    try:
        raw = TestClient(client.app, raise_server_exceptions=False)  # the same running app
        response = raw.get(f"/api/albums/{album_id}")
    finally:
        album_json.write_bytes(saved)
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; the server log has details"}


# --- limits -----------------------------------------------------------------------------------


def test_uploads_over_the_limit_are_refused_with_413(tmp_path):
    app = create_app(StudioSettings(data_dir=tmp_path, workers=1, upload_limit=4096))
    with TestClient(app) as client:
        big = {"file": ("big.txt", b"word " * 2000, "text/plain")}
        assert client.post("/api/albums", files=big).status_code == 413

        def chunks():  # no Content-Length: the body is counted as it streams
            for _ in range(10):
                yield b"x" * 1024

        streamed = client.post(
            "/api/albums",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413
        assert client.get("/api/albums").json() == []


def test_a_full_queue_answers_429_with_retry_after(tmp_path):
    app = create_app(StudioSettings(data_dir=tmp_path, workers=1, queue_limit=1))
    with TestClient(app) as client:
        first = submit(client)
        refused = client.post("/api/albums", data={"text": STORY})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert wait_for(client, first)["status"] == "done"
        assert client.post("/api/albums", data={"text": STORY}).status_code == 202


def test_a_token_is_required_when_set(tmp_path):
    app = create_app(StudioSettings(data_dir=tmp_path, workers=1, token="s3cret"))
    with TestClient(app) as client:
        assert client.get("/api/albums").status_code == 401
        wrong = {"Authorization": "Bearer guess"}
        assert client.get("/api/albums", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        assert client.get("/api/albums", headers=right).status_code == 200
        assert client.get("/api/albums?access_token=s3cret").status_code == 200
        assert client.get("/").status_code == 200  # the page asks for the token itself


# --- restarts ---------------------------------------------------------------------------------


def test_albums_survive_a_restart_and_unfinished_jobs_resume(tmp_path):
    with TestClient(create_app(StudioSettings(data_dir=tmp_path, workers=1))) as client:
        done_id = wait_for(client, submit(client))["id"]

    # A job the stopped server left running: its story is on disk, its row says running.
    catalogue = Catalogue(tmp_path / CATALOGUE_FILE)
    interrupted = "I" * 22
    folder = job_folder(tmp_path, interrupted)
    folder.mkdir(parents=True)
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    catalogue.add(
        interrupted, "story.txt", {"seed": 1, "style": "film", "tracks": None}, limit=None
    )
    catalogue.stage(interrupted, "composing 5 tracks", 0.45)

    with TestClient(create_app(StudioSettings(data_dir=tmp_path, workers=1))) as client:
        listed = {entry["id"]: entry for entry in client.get("/api/albums").json()}
        assert listed[done_id]["status"] == "done"
        assert wait_for(client, interrupted)["status"] == "done"
    album = json.loads((folder / "album" / "album.json").read_text("utf-8"))
    assert album["seed"] == 1


def test_two_studios_never_share_a_data_folder(studio):
    _, _, data = studio
    second = TestClient(create_app(StudioSettings(data_dir=data, workers=1)))
    with pytest.raises(StoryscoreError, match="another studio is using"), second:
        pass


def test_the_catalogue_is_sqlite_in_the_data_folder(studio):
    _, album_id, data = studio
    entry = Catalogue(Path(data) / CATALOGUE_FILE).get(album_id)
    assert entry is not None and entry.options["style"] == "piano"


def test_the_catalogue_counts_the_queue_inside_the_write(tmp_path):
    catalogue = Catalogue(tmp_path / CATALOGUE_FILE)
    options = {"seed": 0, "style": "film", "tracks": None}
    assert catalogue.add("a" * 22, "a.txt", options, limit=1)
    assert not catalogue.add("b" * 22, "b.txt", options, limit=1)
    assert catalogue.get("b" * 22) is None
    catalogue.finish("a" * 22, title="A", tracks=3)
    assert not catalogue.queue("a" * 22, "next", limit=0)
    assert catalogue.queue("a" * 22, "next", limit=1)
    assert catalogue.get("a" * 22).status == "queued"


def test_workers_leave_when_the_server_is_killed(tmp_path):
    """A studio killed outright (SIGKILL) leaves no idle worker process behind."""
    server, url = start_studio(tmp_path / "data", workers=2)
    children_file = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    workers: list[int] = []
    try:
        assert httpx2.post(f"{url}/api/albums", data={"text": STORY}).status_code == 202
        time.sleep(1.0)  # the pool starts its workers for the job
        workers = [int(pid) for pid in children_file.read_text().split()]
        assert workers, "the studio started no worker"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []
