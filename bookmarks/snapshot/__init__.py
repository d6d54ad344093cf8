"""Snapshots: a fetched page turned into a safe, self-contained cached copy.

``pipeline.build_copy`` is the way in; the network stays outside, behind the
``fetch_resource`` callable it is given.
"""
