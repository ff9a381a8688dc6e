package dev.tern.cli;

import dev.tern.server.Tern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP re-reads what can change at run time, as Mosquitto does: the configuration file (log levels and format,
 * limits; a file with an error is refused whole) and the password, ACL, JWT, SCRAM and TLS files; clients stay
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
        LOG.info("SIGHUP: reloading the configuration and the files it names");
        try {
            tern.reload(); // each refusal and change is logged where it happens
        } catch (RuntimeException e) {
            LOG.warn("reload failed: {}", e.toString());
        }
    }
}
