"""Fit the weights of newsrag's answerability decision (`retrieval/answerability.py`).

    .venv/bin/python scripts/fit_answerability.py --fit eval/train.jsonl eval/dev.jsonl \\
        --check eval/holdout.jsonl

Asks every question of the sets as `POST /api/chat` would search it (after its `turns`, as of its
`as_of`), on the store that NEWSRAG_DATA_DIR / DATABASE_URL name (the Wikinews file ingested),
records the signals, fits an L2-regularised logistic regression on the `--fit` sets (answerable
questions labelled 1, the others 0, both classes weighted equally; each weight of the sign its
signal must have, SIGNS) and prints the weights to
paste into `answerability.py`, with each set's refusals of unanswerable questions and false
refusals of answerable ones under the fitted weights, and a 5-fold cross-validation of the fit.
"""

from __future__ import annotations

import argparse
from dataclasses import astuple, fields
from pathlib import Path

import numpy as np

from newsrag.chat import ChatService
from newsrag.config import Settings
from newsrag.evaluation.questions import Question, load_questions
from newsrag.evaluation.runner import conversation
from newsrag.retrieval.answerability import Signals
from newsrag.services import build_services

L2 = 0.1
FOLDS = 5
# The sign each signal's weight must have: more similarity, names, words held and answers of
# the kind asked for make an answer likelier; another year, an unreported result and an
# unrelated best article less.
SIGNS = (1, 1, 1, 1, 1, -1, -1, -1)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def signals_of(chat: ChatService, question: Question) -> Signals | None:
    history = conversation(chat, question)
    found = chat.retrieve(question.question, history, as_of=question.as_of)
    return found.signals if found.sources else None


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """The fit with each weight of the sign its signal must have (SIGNS): a signal fitted
    with the other sign (two signals saying much the same thing) is left out, the most wrong
    first, and the rest fitted again."""
    active = list(range(x.shape[1]))
    while True:
        weights, bias = _fit(x[:, active], y)
        wrong = [
            (w * SIGNS[i], i) for w, i in zip(weights, active, strict=True) if w * SIGNS[i] < 0
        ]
        if not wrong:
            full = np.zeros(x.shape[1])
            full[active] = weights
            return full, bias
        active.remove(min(wrong)[1])


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Newton's method on the class-balanced, L2-penalised log loss (the bias unpenalised)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weight = np.where(y == 1, 0.5 / max(1, y.sum()), 0.5 / max(1, (1 - y).sum())) * len(y)
    penalty = np.eye(design.shape[1]) * L2
    penalty[-1, -1] = 0.0
    beta = np.zeros(design.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        gradient = design.T @ (weight * (p - y)) + penalty @ beta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def rates(x: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float) -> str:
    said = 1.0 / (1.0 + np.exp(-(x @ weights + bias))) >= 0.5
    refused = float(np.mean(~said[y == 0])) if (y == 0).any() else float("nan")
    false = float(np.mean(~said[y == 1])) if (y == 1).any() else float("nan")
    return f"unanswerable refused {refused:.2f} ({int((y == 0).sum())}), " + (
        f"answerable refused {false:.2f} ({int((y == 1).sum())})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", nargs="+", type=Path, required=True)
    parser.add_argument("--check", nargs="*", type=Path, default=[])
    args = parser.parse_args()
    services = build_services(Settings())
    try:
        data = {
            path: _table(services.chat, load_questions(path)) for path in [*args.fit, *args.check]
        }
    finally:
        services.close()
    x = np.vstack([data[path][0] for path in args.fit])
    y = np.concatenate([data[path][1] for path in args.fit])
    weights, bias = fit(x, y)
    names = [field.name for field in fields(Signals)]
    print("WEIGHTS = (" + ", ".join(f"{w:.3f}" for w in weights) + ")  # " + ", ".join(names))
    print(f"BIAS = {bias:.3f}")
    for path, (xs, ys) in data.items():
        print(f"{path}: {rates(xs, ys, weights, bias)}")
    order = np.random.default_rng(0).permutation(len(y))
    held = np.zeros(len(y))
    for fold in range(FOLDS):
        test = order[fold::FOLDS]
        w, b = fit(x[np.setdiff1d(order, test)], y[np.setdiff1d(order, test)])
        held[test] = 1.0 / (1.0 + np.exp(-(x[test] @ w + b)))
    print(f"{FOLDS}-fold on --fit, by threshold:")
    for threshold in THRESHOLDS:
        refused = float(np.mean(held[y == 0] < threshold))
        false = float(np.mean(held[y == 1] < threshold))
        print(f"  {threshold:.2f}: unanswerable refused {refused:.2f}, answerable {false:.2f}")


def _table(chat: ChatService, questions: list[Question]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for question in questions:
        signals = signals_of(chat, question)
        if signals is not None:
            rows.append(astuple(signals))
            labels.append(1.0 if question.answerable else 0.0)
    return np.array(rows, dtype=float), np.array(labels)


if __name__ == "__main__":
    main()
