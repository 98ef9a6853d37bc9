// Test helpers that need no server and no C library (ChatCore's tests use only these);
// ChatTestSupport re-exports them for the other test targets.
@_exported import ChatInProcess
