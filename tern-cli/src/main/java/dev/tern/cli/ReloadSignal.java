package dev.tern.cli;

import dev.tern.server.Tern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP re-reads what can change at run time (password and ACL files), as Mosquitto does; clients stay
 * connected. Uses {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK); where the platform
 * has no SIGHUP the broker simply runs without it.
 */
final class ReloadSignal {
    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.cli");

    private ReloadSignal() {
    }

    static void install(Tern tern) {
        try {
            Signal.handle(new Signal("HUP"), signal -> reload(tern));
        } catch (IllegalArgumentException e) {
            LOG.debug("no SIGHUP on this platform: {}", e.getMessage());
        }
    }

    private static void reload(Tern tern) {
        LOG.info("SIGHUP: reloading the password and ACL files");
        try {
            tern.reload().forEach(error -> LOG.warn("reload refused {}", error));
        } catch (RuntimeException e) {
            LOG.warn("reload failed: {}", e.toString());
        }
    }
}
