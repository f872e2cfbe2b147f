#!/usr/bin/env python3
r"""Train a small PyTorch classifier on the breast-cancer data and export it as ONNX.

This script is the example of the mlops-actions *training contract*: the `train` action (and
`mlops train` locally) runs a user's training command with the environment below, and afterwards
reads back exactly two things, the ONNX model and `metrics.json`. Any language or framework can
follow the contract; this one uses PyTorch.

Inputs (environment variables; every one must be set, and a missing one stops the script with
exit status 2 and a message naming it):

  MLOPS_DATA_TRAIN   training data: absolute paths of CSV files, one per line (several files are
                     read in order and concatenated; each must have a header row).
  MLOPS_DATA_EVAL    evaluation data, in the same form; empty when mlops.yml names none. It is
                     used here only to report metrics; the evaluate step scores the model on it
                     again, independently.
  MLOPS_FEATURES     JSON array of feature column names, in the order the model's input uses
                     (the schema's `role: feature` columns).
  MLOPS_TARGET       name of the target column (the schema's `role: target` column).
  MLOPS_CLASSES      JSON array of the class labels (as they appear in the target column), in the
                     order of the model's probability columns, e.g. ["malignant", "benign"] (the
                     target's `values` in the schema). Empty when the schema lists no values:
                     then the sorted distinct labels of the training data are used, and said.
  MLOPS_SEED         integer seed for every random number generator.
  MLOPS_OUTPUT_DIR   folder to write into (created when missing).
  MLOPS_MODEL_PATH   where to write the ONNX model (a path inside MLOPS_OUTPUT_DIR).
  CUDA_VISIBLE_DEVICES
                     set by the action from its `gpus` input; this script trains on CUDA when
                     `torch.cuda.is_available()` and on the CPU otherwise, and prints which.

Outputs:

  $MLOPS_MODEL_PATH  an ONNX model (opset 17) with
                       input   `features`       float32 [N, F]  raw feature values, in MLOPS_FEATURES
                                                                order (standardisation is inside the
                                                                model), N a dynamic batch axis
                       output  `label`          int64   [N]     index of the predicted class in
                                                                MLOPS_CLASSES (argmax)
                       output  `probabilities`  float32 [N, C]  softmax over the classes, in
                                                                MLOPS_CLASSES order
                     and metadata_props `mlops.task` (binary-classification or
                     multiclass-classification), `mlops.features` and `mlops.classes` (the JSON
                     arrays above). The built-in baselines write the same I/O contract, and the
                     evaluate step reads it.
  $MLOPS_OUTPUT_DIR/metrics.json
                     a flat JSON object of named numbers (train/eval accuracy and log loss, epochs,
                     row counts, training seconds).
  $MLOPS_OUTPUT_DIR/metrics-history.jsonl
                     optional: one JSON object per epoch, {"epoch": n, "train_loss": ...,
                     "eval_loss": ..., "eval_accuracy": ...}, as DVCLive logs them; drawn as the
                     training curves of the job summary and the PR comment.

Progress goes to stdout; errors go to stderr with a non-zero exit status.

Run it by hand, from examples/breast-cancer (the features are every column but `diagnosis`):

  export MLOPS_DATA_TRAIN="$PWD/data/train.csv" MLOPS_DATA_EVAL="$PWD/data/eval.csv"
  export MLOPS_FEATURES="$(python3 -c 'import csv, json; h = next(csv.reader(open("data/train.csv"))); \
      print(json.dumps([c for c in h if c != "diagnosis"]))')"
  export MLOPS_TARGET=diagnosis MLOPS_CLASSES='["malignant", "benign"]' MLOPS_SEED=42
  export MLOPS_OUTPUT_DIR="$PWD/out" MLOPS_MODEL_PATH="$PWD/out/model.onnx"
  python3 train.py
"""

from __future__ import annotations

import csv
import inspect
import json
import math
import os
import random
import sys
import time

# Deterministic cuBLAS needs this before CUDA is initialised (PyTorch's reproducibility notes).
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

EPOCHS = 100
LEARNING_RATE = 0.003
WEIGHT_DECAY = 1e-4
HIDDEN = 32
OPSET = 17


class ContractError(Exception):
    """The environment or the data does not follow the training contract."""


def log(message: str) -> None:
    print(f"[train] {message}", flush=True)


def require_env(name: str, allow_empty: bool = False) -> str:
    value = os.environ.get(name)
    if value is None:
        raise ContractError(
            f"environment variable {name} is not set; the train action sets it "
            f"(see the docstring at the top of {os.path.basename(__file__)} for the contract)"
        )
    if not allow_empty and value.strip() == "":
        raise ContractError(f"environment variable {name} is empty")
    return value


def json_string_list(name: str) -> list[str]:
    raw = require_env(name)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ContractError(f"{name} is not valid JSON ({error.msg}): {raw[:200]!r}") from error
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ContractError(f"{name} must be a non-empty JSON array of strings, got: {raw[:200]!r}")
    if len(set(value)) != len(value):
        raise ContractError(f"{name} lists a name twice: {raw[:200]!r}")
    return value


def path_list(name: str, allow_empty: bool = False) -> list[str]:
    paths = [line.strip() for line in require_env(name, allow_empty).splitlines() if line.strip()]
    for path in paths:
        if not os.path.isfile(path):
            raise ContractError(f"{name} names {path!r}, which is not a file")
    return paths


def read_csv_files(
    paths: list[str], features: list[str], target: str
) -> tuple[np.ndarray, list[str]]:
    """Read the feature matrix (float32) and the target labels (strings) from CSV files."""
    rows: list[list[float]] = []
    labels: list[str] = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise ContractError(f"{path}: the file is empty (a header row is expected)")
            missing = [c for c in [*features, target] if c not in header]
            if missing:
                raise ContractError(f"{path}: no column named {', '.join(map(repr, missing))}")
            feature_at = [header.index(c) for c in features]
            target_at = header.index(target)
            for line_number, record in enumerate(reader, start=2):
                if not record:
                    continue
                label = record[target_at].strip()
                if label == "":
                    raise ContractError(f"{path}:{line_number}: {target} is missing")
                try:
                    values = [float(record[i]) for i in feature_at]
                except ValueError as error:
                    raise ContractError(f"{path}:{line_number}: {error}") from error
                if not all(math.isfinite(v) for v in values):
                    raise ContractError(f"{path}:{line_number}: a feature is missing or not finite")
                rows.append(values)
                labels.append(label)
    if not rows:
        raise ContractError(f"no data rows in {', '.join(paths)}")
    return np.asarray(rows, dtype=np.float32), labels


def class_indices(labels: list[str], classes: list[str], what: str) -> np.ndarray:
    index = {label: i for i, label in enumerate(classes)}
    unknown = sorted(set(labels) - set(classes))
    if unknown:
        raise ContractError(
            f"{what}: target values {unknown[:5]} are not in MLOPS_CLASSES {classes}"
        )
    return np.asarray([index[label] for label in labels], dtype=np.int64)


class Classifier(nn.Module):
    """Standardise raw features, run an MLP, return (class index, class probabilities)."""

    def __init__(self, mean: np.ndarray, std: np.ndarray, n_classes: int) -> None:
        super().__init__()
        n_features = mean.shape[0]
        # Constant features would divide by zero: leave them unscaled.
        std = np.where(std > 1e-12, std, 1.0).astype(np.float32)
        self.register_buffer("mean", torch.from_numpy(mean.astype(np.float32)))
        self.register_buffer("std", torch.from_numpy(std))
        self.mlp = nn.Sequential(
            nn.Linear(n_features, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, n_classes)
        )

    def logits(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlp((features - self.mean) / self.std)

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        probabilities = torch.softmax(self.logits(features), dim=1)
        label = torch.argmax(probabilities, dim=1)
        return label, probabilities


def scores(model: Classifier, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Accuracy and log loss (natural log, probabilities clipped to [1e-15, 1])."""
    with torch.no_grad():
        label, probabilities = model(x)
        accuracy = (label == y).float().mean().item()
        p_true = probabilities.gather(1, y.unsqueeze(1)).squeeze(1).clamp(min=1e-15)
        log_loss = (-torch.log(p_true)).mean().item()
    return accuracy, log_loss


def export_onnx(model: Classifier, n_features: int, path: str) -> None:
    model = model.to("cpu").eval()
    example = torch.zeros(1, n_features, dtype=torch.float32)
    kwargs = dict(
        input_names=["features"],
        output_names=["label", "probabilities"],
        dynamic_axes={"features": {0: "N"}, "label": {0: "N"}, "probabilities": {0: "N"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    # PyTorch 2.x added a `dynamo` switch (and from 2.9 defaults it to True); the TorchScript
    # exporter used here honours `dynamic_axes`. Older releases have no such argument.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    torch.onnx.export(model, (example,), path, **kwargs)


def add_metadata(path: str, features: list[str], classes: list[str]) -> None:
    import onnx

    model = onnx.load(path)
    task = "binary-classification" if len(classes) == 2 else "multiclass-classification"
    props = {
        "mlops.task": task,
        "mlops.features": json.dumps(features),
        "mlops.classes": json.dumps(classes),
    }
    kept = [p for p in model.metadata_props if p.key not in props]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    for key, value in props.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main() -> int:
    train_paths = path_list("MLOPS_DATA_TRAIN")
    eval_paths = path_list("MLOPS_DATA_EVAL", allow_empty=True)
    features = json_string_list("MLOPS_FEATURES")
    target = require_env("MLOPS_TARGET")
    classes = (
        json_string_list("MLOPS_CLASSES")
        if require_env("MLOPS_CLASSES", allow_empty=True).strip()
        else None
    )
    if target in features:
        raise ContractError(f"MLOPS_TARGET {target!r} is also listed in MLOPS_FEATURES")
    seed_text = require_env("MLOPS_SEED")
    try:
        seed = int(seed_text)
    except ValueError as error:
        raise ContractError(f"MLOPS_SEED must be an integer, got {seed_text!r}") from error
    output_dir = os.path.abspath(require_env("MLOPS_OUTPUT_DIR"))
    model_path = os.path.abspath(require_env("MLOPS_MODEL_PATH"))
    os.makedirs(output_dir, exist_ok=True)
    os.makedirs(os.path.dirname(model_path), exist_ok=True)

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # warn_only: an op without a deterministic CUDA kernel warns instead of stopping training.
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False
    # One CPU thread: float sums then add up in the same order whatever the core count, so the
    # same seed gives the same model bytes on any machine. The model is small enough not to care.
    torch.set_num_threads(1)

    if torch.cuda.is_available():
        device = torch.device("cuda")
        log(
            f"device: cuda ({torch.cuda.get_device_name(0)}; "
            f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '<unset>')})"
        )
    else:
        device = torch.device("cpu")
        log(f"device: cpu (CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', '<unset>')})")
    log(f"torch {torch.__version__}, numpy {np.__version__}, seed {seed}")

    x_train, train_labels = read_csv_files(train_paths, features, target)
    if classes is None:
        classes = sorted(set(train_labels))
        log(f"MLOPS_CLASSES is empty (the schema lists no target values): using the sorted "
            f"training labels {classes}; list them in the schema to fix their order")
    if len(classes) < 2:
        raise ContractError(f"at least two classes are needed, got {classes}")
    y_train = class_indices(train_labels, classes, "training data")
    if eval_paths:
        x_eval, eval_labels = read_csv_files(eval_paths, features, target)
        y_eval = class_indices(eval_labels, classes, "evaluation data")
    else:
        log("MLOPS_DATA_EVAL is empty: no evaluation metrics")
        x_eval = np.zeros((0, len(features)), dtype=np.float32)
        y_eval = np.zeros((0,), dtype=np.int64)
    counts = ", ".join(f"{c}={int((y_train == i).sum())}" for i, c in enumerate(classes))
    log(f"train: {len(y_train)} rows from {len(train_paths)} file(s) ({counts}); "
        f"eval: {len(y_eval)} rows from {len(eval_paths)} file(s); {len(features)} features")

    mean = x_train.mean(axis=0, dtype=np.float64)
    std = x_train.std(axis=0, dtype=np.float64)
    model = Classifier(mean, std, len(classes)).to(device)
    xt = torch.from_numpy(x_train).to(device)
    yt = torch.from_numpy(y_train).to(device)
    xe = torch.from_numpy(x_eval).to(device)
    ye = torch.from_numpy(y_eval).to(device)

    optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    loss_fn = nn.CrossEntropyLoss()
    started = time.perf_counter()
    history: list[dict[str, float]] = []
    for epoch in range(1, EPOCHS + 1):  # full batch: the data set is small
        model.train()
        optimiser.zero_grad()
        loss = loss_fn(model.logits(xt), yt)
        loss.backward()
        optimiser.step()
        # One line per epoch for the training curves; the eval set is small enough to score
        # every epoch, so every metric shares its points and is drawn on one chart per family.
        point: dict[str, float] = {"epoch": epoch, "train_loss": round(loss.item(), 6)}
        if len(ye) > 0:
            model.eval()
            eval_accuracy, eval_loss = scores(model, xe, ye)
            point["eval_loss"] = round(eval_loss, 6)
            point["eval_accuracy"] = round(eval_accuracy, 6)
        history.append(point)
        if epoch == 1 or epoch % 25 == 0 or epoch == EPOCHS:
            log("epoch {:4d}/{}  ".format(epoch, EPOCHS) + "  ".join(
                f"{name} {value:.4f}" for name, value in point.items() if name != "epoch"
            ))
    train_seconds = time.perf_counter() - started

    model.eval()
    train_accuracy, train_loss = scores(model, xt, yt)

    export_onnx(model, len(features), model_path)
    add_metadata(model_path, features, classes)
    log(f"wrote {model_path} (opset {OPSET}, {os.path.getsize(model_path)} bytes)")

    metrics = {
        "train_accuracy": round(train_accuracy, 6),
        "train_log_loss": round(train_loss, 6),
    }
    if len(ye) > 0:
        eval_accuracy, eval_loss = scores(model, xe, ye)
        metrics["eval_accuracy"] = round(eval_accuracy, 6)
        metrics["eval_log_loss"] = round(eval_loss, 6)
    metrics.update({
        "epochs": EPOCHS,
        "train_rows": int(len(y_train)),
        "eval_rows": int(len(y_eval)),
        "train_seconds": round(train_seconds, 3),
    })
    metrics_path = os.path.join(output_dir, "metrics.json")
    with open(metrics_path, "w", encoding="utf-8") as handle:
        json.dump(metrics, handle, indent=2)
        handle.write("\n")
    log(f"wrote {metrics_path}: {json.dumps(metrics)}")
    history_path = os.path.join(output_dir, "metrics-history.jsonl")
    with open(history_path, "w", encoding="utf-8") as handle:
        for point in history:
            # allow_nan=False: a diverged loss fails here, not as unreadable JSON later.
            handle.write(json.dumps(point, allow_nan=False) + "\n")
    log(f"wrote {history_path} ({len(history)} epochs)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ContractError as error:
        print(f"train.py: error: {error}", file=sys.stderr)
        sys.exit(2)
