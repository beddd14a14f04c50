"""Sessions read from the cache (Redis in production) and written through to the database.

Django's cached_db store saves a database read on every request; this one also keeps working when the cache
is down (Redis stopped, restarted): it falls back to the database, as the pages do, instead of failing the
request where Django's store does not catch the cache error (storing a session loaded from the database,
`exists`, `delete`).
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _TolerantCache:
    """The session cache with every call that fails logged and answered as a miss."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        method = getattr(self._cache, name)

        def call(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except Exception as exc:  # a down cache must cost a database read, not the request
                logger.warning("session cache unavailable: %s", exc)
                return None

        return call

    def __contains__(self, key):
        try:
            return key in self._cache
        except Exception as exc:
            logger.warning("session cache unavailable: %s", exc)
            return False


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _TolerantCache(self._cache)
