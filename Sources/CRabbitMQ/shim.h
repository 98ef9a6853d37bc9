#pragma once
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_framing.h>

/// amqp_login is variadic and cannot be imported; this fixed-argument wrapper
/// performs a PLAIN login.
static inline amqp_rpc_reply_t chatctl_amqp_login_plain(amqp_connection_state_t state,
                                                        const char *vhost,
                                                        int channel_max,
                                                        int frame_max,
                                                        int heartbeat,
                                                        const char *user,
                                                        const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat,
                      AMQP_SASL_METHOD_PLAIN, user, password);
}

// Method ids and property flags as typed constants (the macros carry casts).
static const amqp_method_number_t CHATCTL_BASIC_ACK_METHOD = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t CHATCTL_BASIC_NACK_METHOD = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t CHATCTL_BASIC_RETURN_METHOD = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t CHATCTL_BASIC_GET_OK_METHOD = AMQP_BASIC_GET_OK_METHOD;
static const amqp_method_number_t CHATCTL_BASIC_GET_EMPTY_METHOD = AMQP_BASIC_GET_EMPTY_METHOD;
static const amqp_method_number_t CHATCTL_CHANNEL_CLOSE_METHOD = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t CHATCTL_CHANNEL_CLOSE_OK_METHOD = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const amqp_method_number_t CHATCTL_CONNECTION_CLOSE_METHOD = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_flags_t CHATCTL_BASIC_CONTENT_TYPE_FLAG = AMQP_BASIC_CONTENT_TYPE_FLAG;
static const amqp_flags_t CHATCTL_BASIC_HEADERS_FLAG = AMQP_BASIC_HEADERS_FLAG;
static const amqp_flags_t CHATCTL_BASIC_DELIVERY_MODE_FLAG = AMQP_BASIC_DELIVERY_MODE_FLAG;
static const amqp_flags_t CHATCTL_BASIC_MESSAGE_ID_FLAG = AMQP_BASIC_MESSAGE_ID_FLAG;

/// A UTF-8 string field value for a header table (the union is awkward from Swift).
static inline amqp_field_value_t chatctl_amqp_utf8_value(amqp_bytes_t bytes) {
    amqp_field_value_t value;
    value.kind = AMQP_FIELD_KIND_UTF8;
    value.value.bytes = bytes;
    return value;
}

/// The bytes of a UTF-8 (or long string) field value; empty for other kinds.
static inline amqp_bytes_t chatctl_amqp_value_bytes(amqp_field_value_t value) {
    if (value.kind == AMQP_FIELD_KIND_UTF8 || value.kind == AMQP_FIELD_KIND_BYTES) { return value.value.bytes; }
    amqp_bytes_t empty = { 0, NULL };
    return empty;
}
