"""Backups of the portal's database, and their restore, with a checksum per table.

PostgreSQL: ``pg_dump --format=custom`` taken from a snapshot that the checksums are
read from too, so the manifest describes exactly what the dump holds; ``pg_restore
--clean --single-transaction`` brings it back whole or not at all.

SQLite (one machine): SQLite's online backup API copies the live database page by
page while the portal runs, inside one transaction that the checksums are read in.

Each backup has a manifest beside it (``<file>.manifest.json``): the database it came
from, when, and every table's row count and SHA-256 of its rows. A restore reads the
tables again and compares. The management commands ``backup`` and ``restore`` call
these functions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, no shell
from dataclasses import dataclass
from pathlib import Path

from django.db import connections, transaction
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


@dataclass
class Manifest:
    vendor: str
    database: str
    created_at: str
    tables: dict[str, dict]

    @property
    def row_count(self) -> int:
        return sum(table["rows"] for table in self.tables.values())

    def write(self, backup_path: Path) -> Path:
        path = manifest_path(backup_path)
        path.write_text(json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n")
        return path

    @classmethod
    def read(cls, backup_path: Path) -> Manifest | None:
        path = manifest_path(backup_path)
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text()))


def manifest_path(backup_path: Path) -> Path:
    return backup_path.with_name(backup_path.name + MANIFEST_SUFFIX)


# -- checksums ---------------------------------------------------------------------------


def _encode(value) -> bytes:
    """One value as bytes, with its kind and length, so no two rows hash alike by accident."""
    if value is None:
        return b"N;"
    if isinstance(value, bytes | bytearray | memoryview):
        data, kind = bytes(value), b"B"
    else:
        data, kind = str(value).encode(), b"S"
    return kind + str(len(data)).encode() + b":" + data + b";"


def table_checksums(using: str = "default", *, connection=None) -> dict[str, dict]:
    """Every table's row count and the SHA-256 of its rows in primary-key order."""
    connection = connection or connections[using]
    quote = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor, include_views=False))
        for table in tables:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            primary_key = connection.introspection.get_primary_key_column(cursor, table)
            order = [primary_key] if primary_key else columns
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608 - names from introspection
                f"ORDER BY {', '.join(quote(c) for c in order)}"
            )
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(500):
                for row in batch:
                    digest.update(b"".join(_encode(value) for value in row) + b"\n")
                    rows += 1
            result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def compare(expected: dict[str, dict], found: dict[str, dict]) -> list[str]:
    """What differs between two sets of table checksums, one line per table."""
    problems = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"{table}: missing after restore")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table] != found[table]:
            problems.append(
                f"{table}: {found[table]['rows']} rows, expected {expected[table]['rows']}"
                + (
                    ", same count but other content"
                    if found[table]["rows"] == expected[table]["rows"]
                    else ""
                )
            )
    return problems


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client), the same major version as the server."
        )
    return path


def _pg_connection(using: str) -> tuple[list[str], dict[str, str]]:
    """libpq options and environment for the database Django uses (the password goes
    in the environment, never on a command line)."""
    connection = connections[using]
    settings = connection.settings_dict
    # Django's own psql client knows every option (service, SSL files, passfile).
    _, env = connection.client.settings_to_cmd_args_env(settings, [])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args.append(f"{flag}={settings[key]}")
    environment = {**os.environ, **(env or {})}
    return args, environment


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _backup_postgresql(path: Path, using: str) -> dict[str, dict]:
    connection = connections[using]
    args, env = _pg_connection(using)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # One snapshot for both: the checksums describe exactly what pg_dump writes.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        checksums = table_checksums(using)
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={path}",
                *args,
                f"--dbname={connection.settings_dict['NAME']}",
            ],
            env,
        )
    return checksums


def _restore_postgresql(path: Path, using: str) -> None:
    connection = connections[using]
    args, env = _pg_connection(using)
    connection.close()  # hold no locks on the tables that are about to be replaced
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        env,
    )


# -- SQLite ----------------------------------------------------------------------------------


def _backup_sqlite(path: Path, using: str) -> dict[str, dict]:
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # All pages in one step, under one read lock: a consistent copy, while the
        # portal goes on writing (WAL). Then the copy is checked, and its own tables
        # are what the manifest describes.
        connection.connection.backup(target, pages=-1)
        # One self-contained file, whatever the live database's journal (WAL) is.
        target.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
    finally:
        target.close()
    if verdict != "ok":
        raise BackupError(f"The copy failed SQLite's integrity check: {verdict}")
    # Read the copy through Django's SQLite backend, so values come back as the same
    # Python types as from the live database when a restore is checked.
    alias = f"{using}-backup-copy"
    copy = type(connection)({**connection.settings_dict, "NAME": str(path), "OPTIONS": {}}, alias)
    connections[alias] = copy  # Django's introspection looks itself up by alias
    try:
        return table_checksums(connection=copy)
    finally:
        copy.close()
        del connections[alias]


def _restore_sqlite(path: Path, using: str) -> None:
    connection = connections[using]
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


# -- the two operations ------------------------------------------------------------------------


def backup_kind(path: Path) -> str:
    """Which database a backup file is for, from its first bytes."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise BackupError(f"{path} is not a backup made by `manage.py backup`.")


def backup(path: Path, *, using: str = "default") -> Manifest:
    """Write a backup of the database to ``path`` and its manifest beside it.

    The file appears only once it is complete: it is written under a temporary name
    and renamed, so a failed backup never leaves a half file that looks whole.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "postgresql":
            checksums = _backup_postgresql(partial, using)
        elif connection.vendor == "sqlite":
            checksums = _backup_sqlite(partial, using)
        else:
            raise BackupError(f"Backups of {connection.vendor} are not supported.")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = Manifest(
        vendor=connection.vendor,
        database=str(connection.settings_dict["NAME"]),
        created_at=timezone.now().isoformat(timespec="seconds"),
        tables=checksums,
    )
    manifest.write(path)
    return manifest


def restore(path: Path, *, using: str = "default") -> tuple[Manifest | None, list[str]]:
    """Replace the database's tables with the backup's, then compare every table with
    the manifest. Returns the manifest and what differs (empty when all is the same)."""
    connection = connections[using]
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    kind = backup_kind(path)
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a {kind} backup; this portal's database is {connection.vendor}."
        )
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if kind == "postgresql":
        _restore_postgresql(path, using)
    else:
        _restore_sqlite(path, using)
    manifest = Manifest.read(path)
    if manifest is None:
        return None, []
    return manifest, compare(manifest.tables, table_checksums(using))
