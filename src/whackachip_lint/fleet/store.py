"""The monitoring store: one SQLite file holding repositories, commits scanned, findings, verdicts and changes.

Created and migrated by the tool (`schema_version` in the `meta` table; each migration is a step in `MIGRATIONS`).
WAL mode and one transaction per commit written, so concurrent `fleet scan` runs never corrupt it: SQLite
serialises writers, a busy timeout makes the second writer wait, and `INSERT OR IGNORE` on (repo, commit) makes
scanning a commit twice harmless. Per-file results are kept by (blob id, path, code fingerprint) so that a
history scan reuses what any earlier scan extracted. Views answer the common questions (docs/monitoring.md).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator

from .. import cache as result_cache
from ..results import FileResult

SCHEMA_VERSION = 1

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE repos (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,          -- as given, credentials removed
        source TEXT NOT NULL,               -- a local path or a URL without credentials
        mirror TEXT,                        -- the bare mirror kept for a URL
        branch TEXT,
        added_at TEXT NOT NULL
    );
    CREATE TABLE commits (
        repo_id INTEGER NOT NULL REFERENCES repos(id),
        sha TEXT NOT NULL,
        seq INTEGER NOT NULL,               -- position on the branch, oldest first
        date TEXT NOT NULL,
        author_date TEXT NOT NULL,
        subject TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        verdict TEXT NOT NULL,              -- JSON: the verdict summary (vendors, floor, class, consistent, memory)
        PRIMARY KEY (repo_id, sha)
    );
    CREATE TABLE findings (
        repo_id INTEGER NOT NULL, sha TEXT NOT NULL,
        rule TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL, value TEXT, state TEXT NOT NULL,
        PRIMARY KEY (repo_id, sha, rule, path, line, value, state)
    ) WITHOUT ROWID;
    CREATE TABLE changes (
        repo_id INTEGER NOT NULL, sha TEXT NOT NULL,
        change TEXT NOT NULL CHECK (change IN ('added', 'removed')),
        rule TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL, value TEXT, state TEXT NOT NULL
    );
    CREATE INDEX changes_by_repo ON changes (repo_id, sha);
    CREATE TABLE blob_results (
        blob TEXT NOT NULL, path TEXT NOT NULL, fingerprint TEXT NOT NULL, result TEXT NOT NULL,
        PRIMARY KEY (blob, path, fingerprint)
    ) WITHOUT ROWID;
    CREATE VIEW latest_verdicts AS
        SELECT r.name AS repo, c.sha, c.date, c.verdict FROM commits c JOIN repos r ON r.id = c.repo_id
        WHERE c.seq = (SELECT MAX(seq) FROM commits WHERE repo_id = c.repo_id);
    CREATE VIEW change_log AS
        SELECT r.name AS repo, c.sha, c.date, c.subject, ch.change, ch.rule, ch.path, ch.line, ch.value, ch.state
        FROM changes ch JOIN commits c ON c.repo_id = ch.repo_id AND c.sha = ch.sha JOIN repos r ON r.id = ch.repo_id;
    """,
}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=60000")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()
        self.fingerprint = result_cache.code_fingerprint()

    def _migrate(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path}: store schema {version} is newer than this wac-lint ({SCHEMA_VERSION})")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()

    # --- repositories --------------------------------------------------------------------------------------

    def add_repo(self, name: str, source: str, mirror: str | None, branch: str | None) -> int:
        self.db.execute("INSERT OR IGNORE INTO repos (name, source, mirror, branch, added_at) VALUES (?, ?, ?, ?, ?)",
                        (name, source, mirror, branch, _now()))
        return self.db.execute("SELECT id FROM repos WHERE name = ?", (name,)).fetchone()[0]

    def repos(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id, name, source, mirror, branch FROM repos ORDER BY name").fetchall()
        return [dict(zip(("id", "name", "source", "mirror", "branch"), row)) for row in rows]

    def scanned(self, repo_id: int) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT sha FROM commits WHERE repo_id = ?", (repo_id,))}

    def last_summary(self, repo_id: int) -> tuple[int, dict[str, Any] | None]:
        row = self.db.execute("SELECT seq, verdict FROM commits WHERE repo_id = ? ORDER BY seq DESC LIMIT 1",
                              (repo_id,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (-1, None)

    # --- results -------------------------------------------------------------------------------------------

    def record_commit(self, repo_id: int, seq: int, scan, change: dict[str, Any] | None) -> bool:
        """One commit's verdict, findings and changes, in one transaction; False if it was already recorded."""
        commit = scan.commit
        self.db.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (repo_id, commit.sha, seq, commit.date, commit.author_date, commit.subject, _now(),
                 json.dumps(scan.summary, sort_keys=True)))
            if cursor.rowcount == 0:
                self.db.execute("ROLLBACK")
                return False
            self.db.executemany(
                "INSERT OR IGNORE INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(repo_id, commit.sha, f.rule, f.path, f.line, str(f.value), f.state.value) for f in scan.findings])
            if change is not None:
                rows = [(repo_id, commit.sha, kind, f["rule"], f["path"], f["line"], str(f["value"]), f["state"])
                        for kind in ("added", "removed") for f in change[kind]]
                self.db.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.execute("COMMIT")
            return True
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def blob_result(self, blob: str, path: str) -> FileResult | None:
        row = self.db.execute("SELECT result FROM blob_results WHERE blob = ? AND path = ? AND fingerprint = ?",
                              (blob, path, self.fingerprint)).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        return FileResult(data["relpath"]) if data.get("skip") else result_cache.decode_result(path, data)

    def save_blob_result(self, blob: str, path: str, result: FileResult) -> None:
        data = {"skip": True, "relpath": result.relpath} if result.relpath == "\x00skip" else \
            result_cache.encode_result(result)
        self.db.execute("INSERT OR IGNORE INTO blob_results VALUES (?, ?, ?, ?)",
                        (blob, path, self.fingerprint, json.dumps(data)))

    # --- reading -------------------------------------------------------------------------------------------

    def changes_since(self, since: str) -> Iterator[dict[str, Any]]:
        query = """SELECT r.name, c.sha, c.date, c.subject, c.verdict,
                          (SELECT verdict FROM commits p WHERE p.repo_id = c.repo_id AND p.seq < c.seq
                           ORDER BY p.seq DESC LIMIT 1)
                   FROM commits c JOIN repos r ON r.id = c.repo_id
                   WHERE c.date >= ? AND (EXISTS (SELECT 1 FROM changes ch WHERE ch.repo_id = c.repo_id
                                                  AND ch.sha = c.sha)
                                          OR c.seq = (SELECT MIN(seq) FROM commits WHERE repo_id = c.repo_id))
                   ORDER BY r.name, c.seq"""
        for name, sha, date, subject, verdict, before in self.db.execute(query, (since,)):
            rows = self.db.execute("SELECT change, rule, path, line, value, state FROM changes WHERE sha = ? AND "
                                   "repo_id = (SELECT id FROM repos WHERE name = ?) ORDER BY change, path, line",
                                   (sha, name)).fetchall()
            yield {
                "repo": name, "commit": sha, "date": date, "subject": subject,
                "added": [dict(zip(("rule", "path", "line", "value", "state"), r[1:])) for r in rows
                          if r[0] == "added"],
                "removed": [dict(zip(("rule", "path", "line", "value", "state"), r[1:])) for r in rows
                            if r[0] == "removed"],
                "verdict_before": json.loads(before) if before else None,
                "verdict_after": json.loads(verdict),
            }

    def query(self, sql: str) -> tuple[list[str], list[tuple]]:
        """A read-only query (the store is opened read-only for it)."""
        uri = f"file:{self.path}?mode=ro"
        with sqlite3.connect(uri, uri=True) as ro:
            cursor = ro.execute(sql)
            return [d[0] for d in cursor.description or []], cursor.fetchall()

    def dump(self) -> dict[str, list[tuple]]:
        """Every table's rows in a fixed order (for comparing stores in tests)."""
        # Columns that do not depend on when the scan ran (no scan times): what equal runs must agree on.
        queries = {
            "repos": "SELECT name, source, mirror, branch FROM repos ORDER BY name",
            "commits": "SELECT repo_id, sha, seq, date, author_date, subject, verdict FROM commits ORDER BY repo_id, seq",
            "findings": "SELECT * FROM findings ORDER BY repo_id, sha, rule, path, line",
            "changes": "SELECT * FROM changes ORDER BY repo_id, sha, change, rule, path, line, value",
        }
        return {table: self.db.execute(sql).fetchall() for table, sql in queries.items()}
