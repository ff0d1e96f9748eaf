"""The web studio's FastAPI app: a JSON API over the catalogue, the album files and one page.

Safety, by design rather than by configuration: uploads are capped (413), the work queue is
bounded (429 with Retry-After), ids are 128-bit random, file routes resolve every path
inside its album folder (no ``..``, no absolute paths, encoded or not), errors reach clients
as one line of JSON without a stack trace, and with a token every API route needs
``Authorization: Bearer <token>`` (or ``?access_token=<token>`` on links and players).
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.routing import Match

import storyscore
from storyscore.errors import StoryscoreError
from storyscore.ingest.read import MAX_BYTES
from storyscore.options import MAX_TRACKS, MIN_TRACKS, STYLES, ComposeOptions
from storyscore.web.catalogue import AlbumEntry, Catalogue
from storyscore.web.jobs import CATALOGUE_FILE, JobRunner, data_lock, job_folder

DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
DEFAULT_QUEUE_LIMIT = 16
RETRY_AFTER_SECONDS = 10
UPLOAD_SUFFIXES = (".txt", ".md", ".fountain", ".epub")
Style = Literal[STYLES]  # type: ignore[valid-type]  # the schema lists the styles
_ALBUM_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
log = logging.getLogger("storyscore.web")


@dataclass(frozen=True, slots=True)
class StudioSettings:
    """How one studio runs: where it keeps albums, its limits and its token."""

    data_dir: Path
    workers: int = max(1, os.cpu_count() or 1)
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    queue_limit: int = DEFAULT_QUEUE_LIMIT
    token: str | None = None


class Problem(BaseModel):
    detail: str | list[dict[str, Any]] = Field(description="what is wrong, in words")


# Every API route may answer with one of these; documented so clients and schema checks know.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (400, "the request body cannot be parsed"),
        (401, "the studio's token is missing or wrong"),
        (404, "no such album or file"),
        (409, "the album is not ready yet"),
        (413, "the upload is too large"),
        (422, "the request is not valid"),
        (429, "the work queue is full; retry after the Retry-After seconds"),
        (500, "internal error"),
    )
}


class Created(BaseModel):
    id: str = Field(description="the album's id, for the other routes")


class AlbumStatus(BaseModel):
    id: str
    title: str | None = Field(description="the album's title once composed")
    source_name: str = Field(description="the uploaded file's name, or 'pasted text'")
    options: dict[str, Any]
    job: str = Field(description="compose or next")
    status: str = Field(description="queued, running, done or failed")
    stage: str = Field(description="what the job is doing now, in words")
    progress: float = Field(ge=0, le=1)
    error: str | None = Field(description="why the job failed, in one line")
    tracks: int | None
    created: float = Field(description="seconds since the epoch")
    seconds: float | None = Field(description="how long the latest job ran")
    album: dict[str, Any] | None = Field(
        default=None, description="album.json, once the album is done"
    )


class ArcPoints(BaseModel):
    sentence: list[int]
    valence: list[float]
    arousal: list[float]
    text: list[str] = Field(description="the sentence at each point, shortened")


def create_app(settings: StudioSettings) -> FastAPI:
    """The studio app; its lifespan starts the worker pool and resumes unfinished jobs."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalogue = Catalogue(settings.data_dir / CATALOGUE_FILE)
    state: dict[str, JobRunner] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with data_lock(settings.data_dir):
            runner = JobRunner(settings.data_dir, catalogue, settings.workers)
            state["runner"] = runner
            resumed = runner.resume()
            if resumed:
                log.warning("resumed %d unfinished job(s) from the last run", resumed)
            try:
                yield
            finally:
                runner.shutdown()

    app = FastAPI(
        title="storyscore studio",
        version=storyscore.__version__,
        description="Turn a story into a music album: submit, follow, listen, continue.",
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, limit=settings.upload_limit)
    app.add_middleware(AllowEveryMethod, routes=app.router.routes)
    authorised = _token_check(settings.token)
    api = {"dependencies": [Depends(authorised)], "responses": PROBLEMS}

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return JSONResponse(
            {"detail": "internal error; the server log has details"}, status_code=500
        )

    def entry_or_404(album_id: str) -> AlbumEntry:
        entry = catalogue.get(album_id) if _ALBUM_ID.match(album_id) else None
        if entry is None:
            raise HTTPException(404, "no album with this id")
        return entry

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(_static_text("index.html"))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in ("app.js", "style.css"):
            raise HTTPException(404, "no such file")
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return Response(_static_text(name), media_type=f"{media}; charset=utf-8")

    @app.post("/api/albums", status_code=202, response_model=Created, **api)
    def submit(
        file: Annotated[UploadFile | None, File(description="a story file")] = None,
        text: Annotated[str | None, Form(description="the story, pasted")] = None,
        style: Annotated[Style, Form(description="the album's style")] = "film",
        seed: Annotated[int, Form(ge=0, lt=2**32)] = 0,
        tracks: Annotated[int | None, Form(ge=MIN_TRACKS, le=MAX_TRACKS)] = None,
        audio: Annotated[bool, Form(description="render audio (needs the audio extra)")] = False,
    ) -> Created:
        """Queue a story to be composed; poll ``GET /api/albums/{id}`` for its progress."""
        options = _options(style, seed, tracks, audio)
        name, data = _story_upload(file, text)
        album_id = secrets.token_urlsafe(16)
        folder = job_folder(settings.data_dir, album_id)
        folder.mkdir(parents=True)
        (folder / f"story{Path(name).suffix.lower() or '.txt'}").write_bytes(data)
        if not catalogue.add(album_id, name, options, limit=settings.queue_limit):
            shutil.rmtree(folder)
            raise _busy()
        state["runner"].submit(album_id)
        return Created(id=album_id)

    @app.get("/api/albums", response_model=list[AlbumStatus], **api)
    def albums() -> list[AlbumStatus]:
        """Every album of the studio, newest first (without album.json)."""
        return [_status(entry) for entry in catalogue.all()]

    @app.get("/api/albums/{album_id}", response_model=AlbumStatus, **api)
    def album_status(album_id: str) -> AlbumStatus:
        """Status, stage and progress of the album's latest job; album.json once done."""
        entry = entry_or_404(album_id)
        album = None
        if entry.status == "done":
            album_json = job_folder(settings.data_dir, album_id) / "album" / "album.json"
            album = json.loads(album_json.read_text("utf-8"))
        return _status(entry, album)

    @app.get("/api/albums/{album_id}/arc", response_model=ArcPoints, **api)
    def arc(album_id: str) -> ArcPoints:
        """The arc's points with the sentence at each, for the page's hover text."""
        folder = _done_folder(entry_or_404(album_id), settings.data_dir)
        points = json.loads((folder / "album" / "album.json").read_text("utf-8"))["arc"]
        texts = json.loads((folder / "sentences.json").read_text("utf-8"))
        return ArcPoints(**points, text=texts)

    @app.get(
        "/api/albums/{album_id}/files/{path:path}",
        response_class=FileResponse,
        **api,
    )
    def album_file(album_id: str, path: str) -> FileResponse:
        """One file of the album folder, e.g. ``tracks/01-overture.mid``."""
        root = _done_folder(entry_or_404(album_id), settings.data_dir) / "album"
        return FileResponse(_inside(root, path))

    @app.get(
        "/api/albums/{album_id}/download",
        response_class=Response,
        responses={**PROBLEMS, 200: {"content": {"application/zip": {}}}},
        dependencies=api["dependencies"],
    )
    def download(album_id: str) -> Response:
        """The whole album folder as a zip."""
        entry = entry_or_404(album_id)
        root = _done_folder(entry, settings.data_dir) / "album"
        name = re.sub(r"[^A-Za-z0-9]+", "-", entry.title or "album").strip("-") or "album"
        return Response(
            _zip(root, name),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
        )

    @app.post(
        "/api/albums/{album_id}/next", status_code=202, response_model=Created, **api
    )
    def next_song(
        album_id: str,
        text: Annotated[str | None, Form(description="what happens next (optional)")] = None,
    ) -> Created:
        """Queue the next song: with text it continues the story, without it the arc goes on."""
        entry = entry_or_404(album_id)
        folder = _done_folder(entry, settings.data_dir)
        if entry.status in ("queued", "running"):
            raise HTTPException(409, f"the album is still being made ({entry.stage})")
        text_file = None
        if text is not None and text.strip():
            text_file = f"next-{len(list(folder.glob('next-*.txt'))) + 1}.txt"
            (folder / text_file).write_text(text, encoding="utf-8")
        if not catalogue.queue(album_id, "next", text_file, limit=settings.queue_limit):
            raise _busy()
        state["runner"].submit(album_id)
        return Created(id=album_id)

    return app


def _busy() -> HTTPException:
    return HTTPException(
        429,
        "the studio is busy; try again shortly",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _static_text(name: str) -> str:
    return resources.files("storyscore.web").joinpath("static").joinpath(name).read_text("utf-8")


def _options(style: str, seed: int, tracks: int | None, audio: bool) -> dict[str, Any]:
    try:
        options = ComposeOptions(seed=seed, style=style, tracks=tracks)
    except StoryscoreError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"seed": options.seed, "style": options.style, "tracks": options.tracks} | (
        {"audio": True} if audio else {}
    )


def _story_upload(file: UploadFile | None, text: str | None) -> tuple[str, bytes]:
    """The story's file name and bytes, from an upload or pasted text (not both)."""
    if file is not None and text is not None:
        raise HTTPException(422, "give a file or pasted text, not both")
    if file is not None:
        name = Path(file.filename or "story.txt").name
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise HTTPException(
                422, f"{name} is not a story file; upload {', '.join(UPLOAD_SUFFIXES)}"
            )
        data = file.file.read(MAX_BYTES + 1)
    elif text is not None:
        name, data = "pasted text", text.encode("utf-8")
    else:
        raise HTTPException(422, "give the story: a file, or text pasted in the form")
    if not data.strip():
        raise HTTPException(422, "the story is empty; paste or upload some text")
    return name, data


def _done_folder(entry: AlbumEntry, data_dir: Path) -> Path:
    folder = job_folder(data_dir, entry.id)
    if not (folder / "album" / "album.json").is_file():
        raise HTTPException(409, f"the album is not ready yet ({entry.stage})")
    return folder


def _inside(root: Path, relative: str) -> Path:
    """``relative`` resolved inside ``root``; anything that escapes it, or is not a file, 404."""
    root = root.resolve()
    target = (root / relative).resolve()
    if relative.startswith(("/", "\\")) or not target.is_relative_to(root) or not target.is_file():
        raise HTTPException(404, "no such file in this album")
    return target


def _zip(root: Path, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, f"{name}/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


def _status(entry: AlbumEntry, album: dict[str, Any] | None = None) -> AlbumStatus:
    return AlbumStatus(
        id=entry.id,
        title=entry.title,
        source_name=entry.source_name,
        options=entry.options,
        job=entry.job,
        status=entry.status,
        stage=entry.stage,
        progress=entry.progress,
        error=entry.error,
        tracks=entry.tracks,
        created=entry.created,
        seconds=entry.seconds,
        album=album,
    )


def _token_check(token: str | None):
    """A dependency that lets a request through only with the bearer token, when one is set."""

    def check(request: Request) -> None:
        if token is None:
            return
        # A player or a download link cannot send headers, so the token may come as a query.
        given = request.headers.get("authorization", "")
        query = request.query_params.get("access_token")
        if query is not None:
            given = f"Bearer {query}"
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(
                401, "give the studio's token: Authorization: Bearer <token>",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the upload is larger than {limit / (1024 * 1024):g} MB")


class BodyLimit:
    """ASGI middleware that refuses a request body over ``limit`` bytes: by its
    Content-Length at once, or while it streams in (a chunked upload is cut off there; the
    route's body parsing turns the error into a 413 response)."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            refusal = JSONResponse({"detail": _TooLarge(self.limit).detail}, status_code=413)
            await refusal(scope, receive, send)
            return
        received = 0

        async def counted() -> dict:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


class AllowEveryMethod:
    """ASGI middleware: a 405 answer's ``Allow`` header lists every method of the path.

    Starlette answers from the first route whose path matches, so a path served by a GET
    route and a POST route would otherwise claim to allow only one of them (RFC 9110 §15.5.6).
    """

    def __init__(self, app, routes) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = sorted(
                    method
                    for route in self.routes
                    if route.matches(scope)[0] != Match.NONE
                    for method in getattr(route, "methods", None) or ()
                )
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"allow"]
                headers.append((b"allow", ", ".join(methods).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_allow)
