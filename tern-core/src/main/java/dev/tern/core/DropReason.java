package dev.tern.core;

/** Why a message was not delivered to a session; every drop is counted under one of these. */
public enum DropReason {
    /** The session queue hit max-queued-messages or max-queued-bytes. */
    QUEUE_FULL,
    /** The message expiry interval ran out before delivery. */
    EXPIRED,
    /** The packet would exceed the client's maximum packet size. */
    TOO_LARGE,
    /** The ACL does not let the subscriber read the topic (checked for every message, retained ones too). */
    NOT_AUTHORIZED,
    /** QoS 0 for an offline session, or for a client that does not read, while queue-qos0 is off. */
    QOS0_NOT_QUEUED
}
