package dev.tern.server;

import dev.tern.server.config.BrokerConfig;

/**
 * Where a reload reads the configuration again: for {@code tern broker}, the file with the {@code TERN_...}
 * environment overrides and the command-line options applied, exactly as at start.
 */
@FunctionalInterface
public interface ConfigSource {
    /**
     * The configuration as it reads now.
     *
     * @throws dev.tern.server.config.ConfigException naming the file, line and key of what is wrong; the reload is
     *     then refused whole
     */
    BrokerConfig read();
}
