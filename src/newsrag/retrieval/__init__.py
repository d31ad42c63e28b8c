"""Retrieval: search the store, then pick the sources an answer may cite."""

from newsrag.retrieval.rank import Ranking
from newsrag.retrieval.search import HybridRetriever, Mode, Retriever, SearchRequest
from newsrag.retrieval.select import Evidence, select_sources

__all__ = [
    "Evidence",
    "HybridRetriever",
    "Mode",
    "Ranking",
    "Retriever",
    "SearchRequest",
    "select_sources",
]
