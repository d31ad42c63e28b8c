"""Retrieval: search the store, then pick the sources an answer may cite."""

from newsrag.retrieval.search import DenseRetriever, Retriever
from newsrag.retrieval.select import Evidence, select_sources

__all__ = ["DenseRetriever", "Evidence", "Retriever", "select_sources"]
