"""Moved to ``storage.conflicts``; re-exported for the router and the listeners that import
it from here."""

from storage.conflicts import once_more_on_conflict

__all__ = ["once_more_on_conflict"]
