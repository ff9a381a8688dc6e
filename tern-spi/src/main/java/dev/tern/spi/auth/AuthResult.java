package dev.tern.spi.auth;

/** The answer of an {@link Authenticator}. */
public enum AuthResult {
    /** The client may connect. */
    ALLOW,
    /** Wrong or missing credentials (MQTT 5 0x86, 3.1.1 return code 4). */
    BAD_CREDENTIALS,
    /** Not allowed in, e.g. anonymous where anonymous is off (MQTT 5 0x87, 3.1.1 return code 5). */
    NOT_AUTHORIZED
}
