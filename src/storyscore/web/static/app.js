// storyscore studio: submit a story, follow its job, show and play the album.
// Every text from the server goes into the page through textContent, never as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 600;
const TEXT_FIELD_LIMIT = 900000; // longer pasted text is sent as a file part
const $ = (id) => document.getElementById(id);
let current = null; // {id, status, arc, album}

function token() {
  return $("token").value || sessionStorage.getItem("storyscore-token") || "";
}

function withToken(url) {
  const value = token();
  return value ? `${url}${url.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(value)}` : url;
}

async function api(path, options = {}) {
  const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    $("token-row").hidden = false;
    throw new Error("This studio needs its token: enter it above and try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(body.detail) ? body.detail.map((d) => d.msg).join("; ") : body.detail;
    throw new Error(detail || `The studio answered ${response.status}.`);
  }
  if (token()) sessionStorage.setItem("storyscore-token", token());
  return body;
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function svgElement(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

async function submitStory(event) {
  event.preventDefault();
  $("form-error").textContent = "";
  const form = new FormData();
  const file = $("story-file").files[0];
  const text = $("story-text").value;
  if (file) form.append("file", file);
  else if (text.length > TEXT_FIELD_LIMIT) form.append("file", new Blob([text]), "pasted.txt");
  else form.append("text", text);
  form.append("style", $("style").value);
  form.append("seed", $("seed").value || "0");
  if ($("tracks").value) form.append("tracks", $("tracks").value);
  form.append("audio", $("audio").checked ? "true" : "false");
  $("compose").disabled = true;
  try {
    const created = await api("/api/albums", { method: "POST", body: form });
    await follow(created.id);
  } catch (error) {
    $("form-error").textContent = error.message;
  } finally {
    $("compose").disabled = false;
  }
}

async function follow(id) {
  $("progress-section").hidden = false;
  for (;;) {
    const status = await api(`/api/albums/${id}`);
    $("progress").value = status.progress;
    $("stage").textContent = `${Math.round(status.progress * 100)}% · ${status.stage}`;
    if (status.status === "done") {
      $("progress-section").hidden = true;
      await showAlbum(status);
      await listAlbums();
      return;
    }
    if (status.status === "failed") {
      $("progress-section").hidden = true;
      await listAlbums();
      throw new Error(status.error || "The album could not be composed.");
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function fileUrl(id, path) {
  return withToken(`/api/albums/${id}/files/${path.split("/").map(encodeURIComponent).join("/")}`);
}

async function showAlbum(status) {
  const album = status.album;
  const arc = await api(`/api/albums/${status.id}/arc`);
  const notes = await fetch(fileUrl(status.id, "NOTES.md")).then((r) => (r.ok ? r.text() : ""));
  current = { id: status.id, album, arc };
  $("result").hidden = false;
  $("album-title").textContent = album.title;
  const minutes = album.tracks.reduce((sum, t) => sum + t.duration_s, 0) / 60;
  $("album-summary").textContent =
    `${album.tracks.length} tracks, ${minutes.toFixed(0)} minutes, ${album.style} style, ` +
    `seed ${album.seed}` + (album.leads ? `; the leads: ${album.leads.join(" and ")}` : "");
  $("download").href = withToken(`/api/albums/${status.id}/download`);
  drawArc(arc, album);
  showCast(album);
  showTracks(status.id, album, trackNotes(notes));
}

function drawArc(arc, album) {
  const svg = $("arc");
  svg.replaceChildren();
  const width = svg.clientWidth || 800;
  const height = 260;
  const pad = 24;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const last = Math.max(1, arc.sentence[arc.sentence.length - 1]);
  const values = arc.valence.concat(arc.arousal).map(Math.abs);
  const scale = Math.max(0.2, ...values);
  const x = (sentence) => pad + ((width - 2 * pad) * sentence) / last;
  const y = (value) => height / 2 - ((height / 2 - pad) * value) / scale;
  // The overture and the epilogue span the whole story; the bands show the story's tracks.
  const story = album.tracks.filter((t) => t.span.first_sentence > 0 || t.span.last_sentence < last);
  story.forEach((track, index) => {
    const start = x(track.span.first_sentence);
    const end = x(Math.min(track.span.last_sentence + 1, last));
    if (index % 2 === 0 && end > start) {
      svg.append(svgElement("rect", { class: "band", x: start, y: pad / 2, width: end - start, height: height - pad }));
    }
    svg.append(svgElement("line", { class: "boundary", x1: start, x2: start, y1: pad / 2, y2: height - pad / 2 }));
    const label = svgElement("text", { x: start + 3, y: 12 });
    label.textContent = String(track.number);
    svg.append(label);
  });
  svg.append(svgElement("line", { class: "zero", x1: pad, x2: width - pad, y1: y(0), y2: y(0) }));
  for (const name of ["valence", "arousal"]) {
    const points = arc.sentence.map((s, i) => `${x(s).toFixed(1)},${y(arc[name][i]).toFixed(1)}`);
    svg.append(svgElement("polyline", { class: name, points: points.join(" ") }));
  }
  const cursor = svgElement("line", { class: "cursor", y1: pad / 2, y2: height - pad / 2, visibility: "hidden" });
  svg.append(cursor);
  let selected = 0;
  const select = (index) => {
    selected = Math.max(0, Math.min(arc.sentence.length - 1, index));
    const at = x(arc.sentence[selected]);
    cursor.setAttribute("x1", at);
    cursor.setAttribute("x2", at);
    cursor.setAttribute("visibility", "visible");
    const track = trackAt(album, arc.sentence[selected]);
    $("arc-sentence").textContent =
      `Sentence ${arc.sentence[selected] + 1}` + (track ? ` (track ${track.number}, ${track.title})` : "") +
      `: “${arc.text[selected]}”`;
  };
  const nearest = (event) => {
    const box = svg.getBoundingClientRect();
    const sentence = (((event.clientX - box.left) * (width / box.width) - pad) / (width - 2 * pad)) * last;
    let best = 0;
    arc.sentence.forEach((s, i) => {
      if (Math.abs(s - sentence) < Math.abs(arc.sentence[best] - sentence)) best = i;
    });
    return best;
  };
  svg.onmousemove = (event) => select(nearest(event));
  svg.onclick = (event) => {
    select(nearest(event));
    playTrackAt(arc.sentence[selected]);
  };
  svg.onkeydown = (event) => {
    const step = event.shiftKey ? 10 : 1;
    if (event.key === "ArrowRight") select(selected + step);
    else if (event.key === "ArrowLeft") select(selected - step);
    else if (event.key === "Enter" || event.key === " ") playTrackAt(arc.sentence[selected]);
    else return;
    event.preventDefault();
  };
}

function trackAt(album, sentence) {
  // The narrowest track around the sentence: its story track, not the overture or epilogue.
  const span = (t) => t.span.last_sentence - t.span.first_sentence;
  const around = album.tracks.filter((t) => t.span.first_sentence <= sentence && sentence <= t.span.last_sentence);
  return around.sort((a, b) => span(a) - span(b))[0] || null;
}

function playTrackAt(sentence) {
  const track = trackAt(current.album, sentence);
  if (!track) return;
  const item = document.getElementById(`track-${track.number}`);
  item.scrollIntoView({ behavior: "smooth", block: "center" });
  const player = item.querySelector("audio");
  document.querySelectorAll("#tracks-list audio").forEach((other) => other !== player && other.pause());
  if (player) player.play();
}

function showCast(album) {
  const list = $("cast");
  list.replaceChildren();
  for (const character of album.characters) {
    const item = element("li");
    item.append(element("strong", character.name), element("p", character.instrument.name, { class: "meta" }));
    item.append(motifRoll(character));
    const hear = element("button", `Hear ${character.name}'s motif`, { type: "button", class: "hear" });
    hear.onclick = () => playMotif(character.motif);
    item.append(hear);
    if (character.aliases.length) item.append(element("p", `also ${character.aliases.join(", ")}`, { class: "meta" }));
    list.append(item);
  }
}

function motifRoll(character) {
  const { pitches, durations_beats: durations } = character.motif;
  const low = Math.min(...pitches);
  const high = Math.max(...pitches);
  const beat = 22;
  const row = 6;
  const width = durations.reduce((a, b) => a + b, 0) * beat + 8;
  const height = (high - low + 1) * row + 8;
  const svg = svgElement("svg", { class: "roll", width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  const title = svgElement("title");
  title.textContent = `${character.name}'s motif: ${pitches.length} notes`;
  svg.append(title);
  let onset = 0;
  pitches.forEach((pitch, i) => {
    svg.append(svgElement("rect", { x: onset * beat + 4, y: (high - pitch) * row + 4, width: durations[i] * beat - 2, height: row - 1, rx: 1.5 }));
    onset += durations[i];
  });
  return svg;
}

let audioContext = null;

function playMotif({ pitches, durations_beats: durations }) {
  // A plain sine voice in the browser, at 100 beats a minute: enough to learn the tune.
  audioContext = audioContext || new AudioContext();
  const beat = 0.6;
  let time = audioContext.currentTime + 0.05;
  pitches.forEach((pitch, i) => {
    const length = durations[i] * beat;
    const voice = audioContext.createOscillator();
    const level = audioContext.createGain();
    voice.frequency.value = 440 * 2 ** ((pitch - 69) / 12);
    level.gain.setValueAtTime(0.0001, time);
    level.gain.exponentialRampToValueAtTime(0.25, time + 0.02);
    level.gain.exponentialRampToValueAtTime(0.0001, time + length * 0.95);
    voice.connect(level).connect(audioContext.destination);
    voice.start(time);
    voice.stop(time + length);
    time += length;
  });
}

function trackNotes(markdown) {
  // NOTES.md has one "### N. Title" section per track: its paragraphs, by track number.
  const sections = {};
  for (const part of markdown.split(/^### /m).slice(1)) {
    const number = parseInt(part, 10);
    const paragraphs = part.split(/\n\s*\n/).slice(2).map((p) => p.replace(/[*`]/g, "").trim());
    sections[number] = paragraphs.filter(Boolean);
  }
  return sections;
}

function showTracks(id, album, notes) {
  const list = $("tracks-list");
  list.replaceChildren();
  for (const track of album.tracks) {
    const item = element("li", null, { id: `track-${track.number}` });
    item.append(element("strong", `${track.number}. ${track.title}`));
    const minutes = `${Math.floor(track.duration_s / 60)}:${String(Math.round(track.duration_s % 60)).padStart(2, "0")}`;
    item.append(element("p", `${track.key.tonic} ${track.key.mode} · ${Math.round(track.tempo_bpm)} BPM · ${track.meter} · ${minutes}`, { class: "meta" }));
    if (track.files.audio) {
      const player = element("audio", null, { controls: "", preload: "metadata", "aria-label": `${track.number}. ${track.title}` });
      player.src = fileUrl(id, track.files.audio);
      player.onplay = () => item.classList.add("playing");
      player.onpause = () => item.classList.remove("playing");
      item.append(player);
    }
    const links = element("p", null, { class: "meta" });
    links.append(element("a", "MIDI", { href: fileUrl(id, track.files.midi) }));
    item.append(links);
    const details = element("details");
    details.append(element("summary", "Liner notes"));
    for (const paragraph of notes[track.number] || []) details.append(element("p", paragraph));
    item.append(details);
    list.append(item);
  }
}

async function nextSong(event) {
  event.preventDefault();
  if (!current) return;
  const form = new FormData();
  if ($("next-text").value.trim()) form.append("text", $("next-text").value);
  $("next").disabled = true;
  try {
    await api(`/api/albums/${current.id}/next`, { method: "POST", body: form });
    $("next-text").value = "";
    await follow(current.id);
  } catch (error) {
    $("form-error").textContent = error.message;
  } finally {
    $("next").disabled = false;
  }
}

async function listAlbums() {
  const albums = await api("/api/albums").catch(() => []);
  const list = $("albums");
  list.replaceChildren();
  for (const entry of albums) {
    const item = element("li");
    const label = `${entry.title || entry.source_name} · ${entry.options.style}, seed ${entry.options.seed} · ${entry.status}`;
    if (entry.status === "done") {
      const open = element("button", label, { type: "button" });
      open.onclick = async () => showAlbum(await api(`/api/albums/${entry.id}`));
      item.append(open);
    } else {
      item.append(element("span", label + (entry.error ? `: ${entry.error}` : "")));
    }
    list.append(item);
  }
}

$("compose-form").addEventListener("submit", submitStory);
$("next-form").addEventListener("submit", nextSong);
listAlbums();
