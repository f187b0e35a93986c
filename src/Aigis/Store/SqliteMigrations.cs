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

        // Lists are newline-separated (names and patterns cannot hold a newline); limits are nullable columns,
        // money is whole micro-dollars. Every tenant that keys already name is created allowed everything, with
        // the admin role, so a store from before tenants keeps working exactly as it did.
        new(4, "tenants", """
            CREATE TABLE tenants (
                name              TEXT PRIMARY KEY,
                services          TEXT NOT NULL,
                models            TEXT NOT NULL,
                role              TEXT NOT NULL CHECK (role IN ('user', 'admin')),
                priority          TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high')),
                rpm               BIGINT,
                tpm               BIGINT,
                tpd               BIGINT,
                concurrency       BIGINT,
                key_rpm           BIGINT,
                key_tpm           BIGINT,
                key_tpd           BIGINT,
                key_concurrency   BIGINT,
                budget_micros     BIGINT,
                budget_period     TEXT CHECK (budget_period IN ('day', 'month')),
                key_budget_micros BIGINT,
                key_budget_period TEXT CHECK (key_budget_period IN ('day', 'month')),
                created_at        BIGINT NOT NULL,
                updated_at        BIGINT NOT NULL,
                created_by        TEXT NOT NULL
            );
            INSERT INTO tenants (name, services, models, role, priority, created_at, updated_at, created_by)
            VALUES ('default', '*', '*', 'admin', 'normal', 0, 0, 'aigis');
            INSERT INTO tenants (name, services, models, role, priority, created_at, updated_at, created_by)
            SELECT DISTINCT tenant, '*', '*', 'admin', 'normal', 0, 0, 'aigis' FROM api_keys WHERE tenant <> 'default';
            """),

        // One row per subject (tenant:NAME or key:ID) per UTC day; budgets by month sum the month's days.
        new(5, "usage and spend", """
            CREATE TABLE usage_daily (
                subject           TEXT NOT NULL,
                day               BIGINT NOT NULL,
                requests          BIGINT NOT NULL,
                prompt_tokens     BIGINT NOT NULL,
                completion_tokens BIGINT NOT NULL,
                cost_micros       BIGINT NOT NULL,
                PRIMARY KEY (subject, day)
            );
            """),

        // The admin key list pages in (created_at, id) order; without this index each page sorts the whole table.
        new(6, "key list order", """
            CREATE INDEX ix_api_keys_created ON api_keys (created_at, id);
            """),

        // Rollouts and their history; a service's last succeeded, unsuperseded rollout is the version it runs.
        new(7, "rollouts", """
            CREATE TABLE rollouts (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                service    TEXT NOT NULL,
                revision   INTEGER NOT NULL,
                status     TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'rolled_back', 'aborted')),
                phase      TEXT NOT NULL,
                change     TEXT NOT NULL,
                baseline   TEXT NOT NULL,
                actor      TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                ended_at   BIGINT,
                reason     TEXT,
                replicas   INTEGER NOT NULL,
                slot       INTEGER NOT NULL,
                steps      TEXT NOT NULL,
                superseded INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_rollouts_service ON rollouts (service, id);
            """),
    ];
}
