"""SQLite store (WAL): executions survive a restart; events are append-only rows.

One commit per execution change, in one transaction, so a process killed mid-checkpoint leaves
the database at the previous consistent state. Datetimes are stored as tagged epoch seconds.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import Json
from durable_mcp.engine.store.base import ExecutionSummary, StoreConflict
from durable_mcp.errors import UserError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY,
    execution_id TEXT NOT NULL UNIQUE,
    function_name TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL,
    start REAL NOT NULL,
    "end" REAL,
    meta TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS executions_by_function ON executions (function_name, start);
CREATE TABLE IF NOT EXISTS operations (
    arn TEXT NOT NULL,
    op_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    meta TEXT NOT NULL,
    PRIMARY KEY (arn, op_id)
);
CREATE TABLE IF NOT EXISTS events (
    arn TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (arn, event_id)
);
CREATE TABLE IF NOT EXISTS logs (arn TEXT NOT NULL, line TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS logs_by_arn ON logs (arn);
CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset REAL NOT NULL);
"""


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.timestamp()}
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$dt" in obj:
        return datetime.fromtimestamp(obj["$dt"], tz=UTC)
    return obj


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_encode, separators=(",", ":"))


def _loads(text: str) -> Any:
    return json.loads(text, object_hook=_decode)


# PRAGMA user_version of the schema above. A store from a newer durable-mcp is refused rather than
# written with an older idea of its tables.
SCHEMA_VERSION = 1


class SqliteStore:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            raise UserError(
                f"The execution store {self.path} cannot be used: SQLite says {exc}. If it is not a durable-mcp "
                "store (or is damaged), move it away or pass --store with another path; a new store is created "
                "there."
            ) from exc
        except OSError as exc:
            raise UserError(
                f"The execution store {self.path} cannot be created: {exc}. Pass --store with a writable path."
            ) from exc
        # Next start-order number per execution; upserts keep the first one (ON CONFLICT).
        self._next_seq: dict[str, int] = {}

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The service serialises all access under its own lock, so one connection is shared by
        # the driver thread and the SDK's checkpoint thread.
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            # WAL with synchronous=NORMAL: a killed process never loses a committed checkpoint; only a
            # power cut can lose the last few (never corrupt the file).
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise UserError(
                    f"The execution store {self.path} was written by a newer durable-mcp (schema {version}, this "
                    f"one knows {SCHEMA_VERSION}): upgrade durable-mcp, or pass --store with another path."
                )
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(executions)")}
            if "revision" not in columns:  # a store written before optimistic locking existed
                db.execute("ALTER TABLE executions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            db.close()
            raise
        return db

    def insert(self, rec: ExecutionRecord) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO executions VALUES (?,?,?,?,?,?,?,?,?,0)",
                (
                    rec.arn, rec.execution_id, rec.function_name, rec.name, rec.version, rec.status,
                    rec.start.timestamp(), None, _dumps(rec.meta()),
                ),
            )
            self._write_ops(rec, rec.ops)
            self._write_events(rec.arn, rec.events)

    def commit(self, rec: ExecutionRecord, operation_ids: Iterable[str], events: list[Json]) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            updated = self._db.execute(
                'UPDATE executions SET status=?, "end"=?, meta=?, revision=revision+1 WHERE arn=? AND revision=?',
                (rec.status, rec.end.timestamp() if rec.end else None, _dumps(rec.meta()), rec.arn, rec.revision),
            ).rowcount
            if updated != 1:
                raise StoreConflict(f"{rec.arn} was changed by another process")
            self._write_ops(rec, operation_ids)
            self._write_events(rec.arn, events)
        rec.revision += 1

    def _write_ops(self, rec: ExecutionRecord, operation_ids: Iterable[str]) -> None:
        rows = []
        seq = self._next_seq.get(rec.arn, 0)
        for op_id in operation_ids:
            rows.append((rec.arn, op_id, seq, _dumps(rec.ops[op_id]), _dumps(rec.op_meta.get(op_id, {}))))
            seq += 1
        self._next_seq[rec.arn] = seq
        if rows:
            self._db.executemany(
                "INSERT INTO operations VALUES (?,?,?,?,?) ON CONFLICT (arn, op_id) "
                "DO UPDATE SET body=excluded.body, meta=excluded.meta",
                rows,
            )

    def _write_events(self, arn: str, events: list[Json]) -> None:
        if events:
            self._db.executemany(
                "INSERT INTO events VALUES (?,?,?)", [(arn, e["EventId"], _dumps(e)) for e in events]
            )

    def load(self, arn: str) -> ExecutionRecord | None:
        row = self._db.execute("SELECT meta, revision FROM executions WHERE arn=?", (arn,)).fetchone()
        if row is None:
            return None
        rec = ExecutionRecord.from_meta(_loads(row[0]))
        rec.revision = int(row[1])
        next_seq = 0
        for op_id, seq, body, meta in self._db.execute(
            "SELECT op_id, seq, body, meta FROM operations WHERE arn=? ORDER BY seq", (arn,)
        ):
            rec.ops[op_id] = _loads(body)
            if meta != "{}":
                rec.op_meta[op_id] = _loads(meta)
            next_seq = seq + 1
        self._next_seq[arn] = next_seq
        rec.events = [
            _loads(body)
            for (body,) in self._db.execute("SELECT body FROM events WHERE arn=? ORDER BY event_id", (arn,))
        ]
        return rec

    def arn_for_execution_id(self, execution_id: str) -> str | None:
        row = self._db.execute("SELECT arn FROM executions WHERE execution_id=?", (execution_id,)).fetchone()
        return None if row is None else str(row[0])

    def unfinished(self) -> list[str]:
        rows = self._db.execute(
            "SELECT arn FROM executions WHERE status NOT IN ('SUCCEEDED','FAILED','TIMED_OUT','STOPPED') "
            "ORDER BY start"
        )
        return [str(r[0]) for r in rows]

    def summaries(self, function_name: str) -> list[ExecutionSummary]:
        rows = self._db.execute(
            'SELECT arn, name, function_name, version, status, start, "end" FROM executions '
            "WHERE function_name=? ORDER BY start",
            (function_name,),
        )
        return [
            ExecutionSummary(
                arn, name, fn, version, status,
                datetime.fromtimestamp(start, tz=UTC),
                None if end is None else datetime.fromtimestamp(end, tz=UTC),
            )
            for arn, name, fn, version, status, start, end in rows
        ]

    def delete(self, arn: str) -> None:
        with self._db:
            self._db.execute("BEGIN")
            for table in ("executions", "operations", "events", "logs"):
                self._db.execute(f"DELETE FROM {table} WHERE arn=?", (arn,))

    def purge_expired(self, now: float) -> int:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            arns = [
                str(row[0])
                for row in self._db.execute(
                    'SELECT arn FROM executions WHERE "end" IS NOT NULL '
                    "AND \"end\" + json_extract(meta, '$.retention_days') * 86400 < ?",
                    (now,),
                )
            ]
            for table in ("executions", "operations", "events", "logs"):
                self._db.executemany(f"DELETE FROM {table} WHERE arn=?", [(arn,) for arn in arns])
        return len(arns)

    def append_logs(self, arn: str, lines: list[str]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO logs VALUES (?,?)", [(arn, line) for line in lines])

    def logs(self, arn: str) -> list[str]:
        return [str(r[0]) for r in self._db.execute("SELECT line FROM logs WHERE arn=? ORDER BY rowid", (arn,))]

    def load_clock_offset(self) -> float:
        row = self._db.execute("SELECT offset FROM clock WHERE id=1").fetchone()
        return 0.0 if row is None else float(row[0])

    def save_clock_offset(self, offset: float) -> None:
        self._db.execute(
            "INSERT INTO clock VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET offset=excluded.offset", (offset,)
        )

    def close(self) -> None:
        self._db.close()
