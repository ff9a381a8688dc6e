/**
 * Mosquitto-compatible security files: {@link dev.tern.security.PasswordFile} ({@code $7$}, {@code $6$} and
 * {@code $argon2id$} hashes), {@link dev.tern.security.AclFile} ({@code topic}/{@code user}/{@code pattern} rules),
 * the SPI implementations over them ({@link dev.tern.security.FileAuthenticator},
 * {@link dev.tern.security.FileAuthorizer}), JWT as the password ({@link dev.tern.security.JwtAuthenticator} with
 * {@link dev.tern.security.JwtKeys}), SCRAM-SHA-256/512 for MQTT 5 enhanced authentication
 * ({@link dev.tern.security.ScramServer}, the mechanism; {@link dev.tern.security.ScramAuthenticator}, its SPI
 * adapter; {@link dev.tern.security.ScramCredentialFile}), and {@link dev.tern.security.ReloadingFile}, which swaps in a new parse when
 * the file changes and keeps the old one when the new file is bad.
 */
package dev.tern.security;
