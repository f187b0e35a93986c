namespace Aigis.Store;

/// <summary>
/// The SQLite schema, as numbered steps. Portable SQL on purpose (BIGINT times in Unix milliseconds, TEXT ids,
/// no SQLite-only functions), so the PostgreSQL store can carry the same steps with only the types that differ
/// (BYTEA for BLOB, an identity column for AUTOINCREMENT).
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "api keys", """
            CREATE TABLE api_keys (
                id          TEXT PRIMARY KEY,
                secret_hash BLOB NOT NULL,
                name        TEXT NOT NULL,
                tenant      TEXT NOT NULL,
                role        TEXT NOT NULL CHECK (role IN ('user', 'admin')),
                created_at  BIGINT NOT NULL,
                expires_at  BIGINT,
                revoked_at  BIGINT,
                replaced_by TEXT,
                replaces    TEXT,
                created_by  TEXT NOT NULL
            );
            CREATE INDEX ix_api_keys_tenant ON api_keys (tenant);
            CREATE TABLE key_purposes (
                purpose    TEXT PRIMARY KEY,
                key_id     TEXT NOT NULL REFERENCES api_keys (id),
                created_at BIGINT NOT NULL
            );
            """),
        new(2, "audit log", """
            CREATE TABLE audit_log (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                at         BIGINT NOT NULL,
                action     TEXT NOT NULL,
                outcome    TEXT NOT NULL,
                actor      TEXT NOT NULL,
                subject    TEXT,
                reason     TEXT,
                request_id TEXT,
                client     TEXT,
                detail     TEXT
            );
            CREATE INDEX ix_audit_log_at ON audit_log (at);
            """),
        new(3, "alert history", """
            CREATE TABLE alert_events (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                at          BIGINT NOT NULL,
                status      TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
                alert       TEXT NOT NULL,
                by_label    TEXT,
                group_value TEXT NOT NULL,
                severity    TEXT NOT NULL,
                value       DOUBLE PRECISION,
                expr        TEXT NOT NULL,
                summary     TEXT,
                starts_at   BIGINT NOT NULL
            );
            CREATE INDEX ix_alert_events_at ON alert_events (at);
            """),
    ];
}
