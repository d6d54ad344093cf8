"""What every benchmark here needs: a PostgreSQL database of its own."""

from urllib.parse import urlsplit, urlunsplit


def bench_database_name(url: str) -> str:
    """The database's name, if it is one a benchmark may drop (``*_bench``)."""
    name = urlsplit(url).path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database must end in _bench")
    return name


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database."""
    import psycopg

    name = bench_database_name(url)
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
