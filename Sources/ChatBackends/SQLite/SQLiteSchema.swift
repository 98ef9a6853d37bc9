import GRDB

/// The embedded store's schema, as GRDB migrations (applied in order, once each).
///
/// Tables and columns mirror the MongoDB layout (`clients`, `rooms`, `messages`,
/// `notifications`, snake_case); ObjectIds are stored as 24-character hex text and
/// dates as milliseconds since the Unix epoch. Room members get their own table.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-chat") { db in
            try db.execute(sql: """
                CREATE TABLE clients (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT NOT NULL UNIQUE,
                    email TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE rooms (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE room_members (
                    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (room_id, user_id)
                ) WITHOUT ROWID;
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY NOT NULL,
                    content TEXT NOT NULL,
                    sender_id TEXT NOT NULL,
                    room_id TEXT NOT NULL,
                    timestamp INTEGER NOT NULL
                );
                CREATE INDEX messages_room_timestamp ON messages(room_id, timestamp DESC);
                CREATE INDEX messages_timestamp ON messages(timestamp);
                CREATE TABLE notifications (
                    id TEXT PRIMARY KEY NOT NULL,
                    content TEXT NOT NULL,
                    sender_id TEXT NOT NULL,
                    room_id TEXT NOT NULL,
                    receiver_id TEXT NOT NULL,
                    seen INTEGER NOT NULL DEFAULT 0,
                    timestamp INTEGER NOT NULL
                );
                CREATE INDEX notifications_receiver ON notifications(receiver_id, seen, timestamp DESC);
                """)
        }
        migrator.registerMigration("v2-message-sequence") { db in
            // Per-room sequence numbers (gap repair); messages stored before get 0.
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX messages_room_seq ON messages(room_id, seq);
                """)
        }
        migrator.registerMigration("v3-archived-messages") { db in
            // Same columns as messages (the MongoDB layout's archived_messages).
            try db.execute(sql: """
                CREATE TABLE archived_messages (
                    id TEXT PRIMARY KEY NOT NULL,
                    content TEXT NOT NULL,
                    sender_id TEXT NOT NULL,
                    room_id TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    seq INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX archived_messages_room_timestamp ON archived_messages(room_id, timestamp);
                """)
        }
        migrator.registerMigration("v4-leases") { db in
            // Scheduler leases when no Redis is configured (StoreLockService).
            try db.execute(sql: "CREATE TABLE leases (name TEXT PRIMARY KEY NOT NULL, token TEXT NOT NULL, expires_at INTEGER NOT NULL)")
        }
        migrator.registerMigration("v5-administration") { db in
            // `chatctl users disable`, and the log every node reads to close a user's sockets.
            try db.execute(sql: """
                ALTER TABLE clients ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE session_ends (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX session_ends_at ON session_ends(at);
                """)
        }
        migrator.registerMigration("v6-client-ids") { db in
            // A client's own message id: a `client_id` resent within a day is stored once
            // per sender (checked inside the write transaction); rooms per member
            // (limits.rooms_per_user).
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN client_id TEXT;
                CREATE INDEX messages_sender_client_id ON messages(sender_id, client_id) WHERE client_id IS NOT NULL;
                CREATE INDEX room_members_user ON room_members(user_id);
                """)
        }
        migrator.registerMigration("v7-pending-events") { db in
            // Messages whose event RabbitMQ has not confirmed (RelayPendingEvents).
            try db.execute(sql: """
                CREATE TABLE pending_events (
                    message_id TEXT PRIMARY KEY NOT NULL,
                    room_id TEXT NOT NULL,
                    since INTEGER NOT NULL
                );
                CREATE INDEX pending_events_since ON pending_events(since);
                """)
        }
        migrator.registerMigration("v8-fewer-message-indexes") { db in
            // Every post writes a page of each index to the WAL. Recent messages and
            // resumes read `messages_room_seq`; `messages_room_timestamp` only served
            // archiving one room, which now walks `messages_room_seq` too.
            try db.execute(sql: "DROP INDEX IF EXISTS messages_room_timestamp")
        }
        migrator.registerMigration("v9-no-timestamp-index") { db in
            // `messages_timestamp` served only the archive's scan across rooms, once per
            // archive batch, and cost a WAL page on every post. That scan now walks the
            // table in rowid order (the order messages were stored, so oldest first).
            try db.execute(sql: "DROP INDEX IF EXISTS messages_timestamp")
        }
        migrator.registerMigration("v10-every-message-has-a-sequence") { db in
            // Messages stored before v2 kept sequence 0, so resume and gap repair never
            // found them. Each room that still has such a message is numbered again from 1
            // in stored order (timestamp, then rowid); clients resume by message id, never
            // by number, so renumbering loses no client's place.
            try db.execute(sql: """
                CREATE TEMP TABLE renumbered (message_rowid INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
                INSERT INTO renumbered
                    SELECT rowid, ROW_NUMBER() OVER (PARTITION BY room_id ORDER BY timestamp, rowid) FROM messages
                    WHERE room_id IN (SELECT DISTINCT room_id FROM messages WHERE seq <= 0);
                UPDATE messages SET seq = (SELECT seq FROM renumbered WHERE message_rowid = messages.rowid)
                    WHERE rowid IN (SELECT message_rowid FROM renumbered);
                DROP TABLE renumbered;
                """)
        }
        migrator.registerMigration("v11-archived-messages-by-sequence") { db in
            // The next sequence number of a room whose messages were all archived is read
            // from the archive (SQLiteChatStore.nextSequenceSQL).
            try db.execute(sql: "CREATE INDEX archived_messages_room_seq ON archived_messages(room_id, seq)")
        }
        migrator.registerMigration("v12-moderation") { db in
            // `chatctl messages redact`: the content is emptied and these say when, by whom
            // and why (NULL for a message never redacted, so posts write nothing more);
            // archived copies keep them. The log every chat node reads to tell a room's
            // sockets which messages were deleted or redacted (`message_ids`: hex ids
            // separated by spaces).
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN redacted_at INTEGER;
                ALTER TABLE messages ADD COLUMN redacted_by TEXT;
                ALTER TABLE messages ADD COLUMN redaction_reason TEXT;
                ALTER TABLE archived_messages ADD COLUMN redacted_at INTEGER;
                ALTER TABLE archived_messages ADD COLUMN redacted_by TEXT;
                ALTER TABLE archived_messages ADD COLUMN redaction_reason TEXT;
                CREATE TABLE moderation_notices (
                    id TEXT PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    room_id TEXT NOT NULL,
                    room_name TEXT NOT NULL,
                    message_ids TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX moderation_notices_at ON moderation_notices(at);
                """)
        }
        migrator.registerMigration("v13-audit-log") { db in
            // One row per changing operator command (`chatctl audit list`), never pruned;
            // `arguments` is a JSON object of strings, `outcome` `ok` or `error`.
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    id TEXT PRIMARY KEY NOT NULL,
                    at INTEGER NOT NULL,
                    actor_user TEXT NOT NULL,
                    actor_host TEXT NOT NULL,
                    command TEXT NOT NULL,
                    target TEXT,
                    arguments TEXT NOT NULL DEFAULT '{}',
                    outcome TEXT NOT NULL,
                    error TEXT
                );
                CREATE INDEX audit_log_at ON audit_log(at);
                """)
        }
        migrator.registerMigration("v14-nodes") { db in
            // The node registry without Redis (`chatctl nodes list`): a record's JSON per node.
            try db.execute(sql: "CREATE TABLE nodes (id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL, expires_at INTEGER NOT NULL)")
        }
        migrator.registerMigration("v15-room-rules") { db in
            // `chatctl rooms set`: read-only, slow mode (seconds, 0 = off), the topic (NULL for
            // none) and the moderators (hex ids separated by spaces, in the order added).
            try db.execute(sql: """
                ALTER TABLE rooms ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE rooms ADD COLUMN slow_mode_seconds INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE rooms ADD COLUMN topic TEXT;
                ALTER TABLE rooms ADD COLUMN moderators TEXT NOT NULL DEFAULT '';
                """)
        }
        migrator.registerMigration("v16-room-mutes") { db in
            // `chatctl rooms mute`: one row per muted user and room; `until` NULL for a mute
            // that holds until lifted. Read per room by each chat node, per user by `users show`.
            try db.execute(sql: """
                CREATE TABLE room_mutes (
                    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL,
                    until INTEGER,
                    reason TEXT,
                    muted_by TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (room_id, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX room_mutes_user ON room_mutes(user_id);
                """)
        }
        migrator.registerMigration("v17-bans") { db in
            // `chatctl users ban`: the latest ban (NULL when never banned; an ended one keeps
            // `banned_at`, which keeps the tokens issued before it refused).
            try db.execute(sql: """
                ALTER TABLE clients ADD COLUMN banned_at INTEGER;
                ALTER TABLE clients ADD COLUMN banned_until INTEGER;
                ALTER TABLE clients ADD COLUMN ban_reason TEXT;
                ALTER TABLE clients ADD COLUMN banned_by TEXT;
                """)
        }
        migrator.registerMigration("v18-messages-by-sender") { db in
            // `chatctl users purge-messages`: one user's messages, oldest first, in the history
            // and in the archive. Every post pays one more index page in the WAL for it (see
            // v8, v9); without it each purge batch would scan the whole table.
            try db.execute(sql: """
                CREATE INDEX messages_sender_timestamp ON messages(sender_id, timestamp);
                CREATE INDEX archived_messages_sender_timestamp ON archived_messages(sender_id, timestamp);
                """)
        }
        migrator.registerMigration("v19-reports") { db in
            // `POST /api/message/report/` and `chatctl reports list|resolve`: one row per reporter
            // and message (the UNIQUE key refuses a second), `status` `open` or `resolved`; the
            // resolution's columns (`action` none|delete|redact|mute|ban, `resolved_by`
            // `user@host`, `resolved_at`, `note`) are NULL while open. No foreign keys: a
            // report outlives its message, room and users. Open ones are listed newest first by
            // `reports_status_created_at`.
            try db.execute(sql: """
                CREATE TABLE reports (
                    id TEXT PRIMARY KEY NOT NULL,
                    message_id TEXT NOT NULL,
                    room_id TEXT NOT NULL,
                    sender_id TEXT NOT NULL,
                    reporter_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open',
                    action TEXT,
                    resolved_by TEXT,
                    resolved_at INTEGER,
                    note TEXT,
                    UNIQUE (reporter_id, message_id)
                );
                CREATE INDEX reports_status_created_at ON reports(status, created_at);
                """)
        }

        migrator.registerMigration("v20-messages-by-room-and-time") { db in
            // `chatctl rooms export`: a room's messages in a time range, oldest first by time,
            // page by page. Without it every page would read the room's whole history (through
            // `messages_room_seq`) and sort it, so an export would cost the square of the room's
            // size; with it each post pays one more index page in the WAL (see v8, v18).
            // `archived_messages_room_timestamp` (v3) serves the archive.
            try db.execute(sql: "CREATE INDEX messages_room_timestamp ON messages(room_id, timestamp)")
        }

        migrator.registerMigration("v21-room-retention") { db in
            // `chatctl rooms set --archive-after/--retention`: the room's own archive age and
            // retention in seconds; NULL follows the default (`scheduler.archive_older_than`,
            // `retention.default`), a retention of 0 keeps archived messages forever (none).
            // Independent of any other migration: it only adds these two columns.
            try db.execute(sql: """
                ALTER TABLE rooms ADD COLUMN archive_after_seconds INTEGER;
                ALTER TABLE rooms ADD COLUMN retention_seconds INTEGER;
                """)
        }

        migrator.registerMigration("v22-room-last-seq") { db in
            // Each room's sequence counter, the last number it gave out (MongoDB's
            // `rooms.last_seq`): posts take their numbers from it, imports and copies raise
            // it, nothing lowers it, so a deleted message's number is never given again.
            // Before it the next number was the highest `seq` held plus one, so the counter
            // starts there (live or archived, through `messages_room_seq` and
            // `archived_messages_room_seq`); the number of a room's newest message deleted
            // before the migration is not known any more.
            try db.execute(sql: """
                ALTER TABLE rooms ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
                UPDATE rooms SET last_seq = MAX(
                    COALESCE((SELECT MAX(seq) FROM messages WHERE room_id = rooms.id), 0),
                    COALESCE((SELECT MAX(seq) FROM archived_messages WHERE room_id = rooms.id), 0));
                """)
        }
        return migrator
    }
}
