"""The guarded fetcher: every outbound request of Commonplace goes through fetch()."""

from .addresses import FetchRefused
from .client import FetchFailed, FetchResult, fetch

__all__ = ["FetchFailed", "FetchRefused", "FetchResult", "fetch"]
