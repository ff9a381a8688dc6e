package dev.tern.bench;

/** The load shapes {@code tern bench} knows. */
public enum Scenario {
    /** Open connections at a rate and hold them (idle footprint). */
    CONN,
    /** Publishers only. */
    PUB,
    /** Subscribers only (someone else publishes). */
    SUB,
    /** Many publishers, one subscriber on a wildcard. */
    FANIN,
    /** One publisher, many subscribers of its topic. */
    FANOUT,
    /** Publisher i to subscriber i on topic i. */
    PAIRS,
    /** Many publishers into one shared subscription group of several subscribers. */
    SHARED
}
