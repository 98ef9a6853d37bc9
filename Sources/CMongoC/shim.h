#pragma once
#include <mongoc/mongoc.h>

/// The byte length of a document (bson_t is 128-byte aligned and opaque to Swift).
static inline uint32_t chatctl_bson_length(const bson_t *document) {
    return document->len;
}
