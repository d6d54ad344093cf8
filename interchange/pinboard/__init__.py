"""A Pinboard v1-compatible API at /api/v1/, so existing Pinboard clients
work by changing only their base URL.

- ``views``: the endpoints (posts/*, tags/*, user/api_token), thin;
- ``auth``: who is calling (``auth_token=username:TOKEN`` or HTTP Basic with
  the password, through django-axes), never the browser session;
- ``ratelimit``: calls per user per window, counted in the cache;
- ``params``: Pinboard's parameters read into Python values (flags, dates,
  space-separated tags), or a Pinboard-style error;
- ``selectors`` / ``services``: the reads and writes, always on the caller's
  own bookmarks;
- ``render``: XML (the default) and JSON (``format=json``, served as
  ``text/json`` as Pinboard does), posts/all streamed;
- ``tokens`` and ``changes``: the two models (API tokens; when a library last
  lost a bookmark, for posts/update).
"""
