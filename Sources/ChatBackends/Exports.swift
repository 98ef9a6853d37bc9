// The in-process adapters (memory store, cache, fan-out, queues, locks, revoked tokens;
// bcrypt and JWT) live in their own target so that ChatCore's tests build without GRDB
// and the C libraries; everything that imports ChatBackends still sees them.
@_exported import ChatInProcess
