package dev.tern.security;

import dev.tern.spi.auth.Authorizer;
import dev.tern.spi.auth.ClientIdentity;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Topic access decided by an {@link AclFile}, as Mosquitto's {@code acl_file} does. When the supplier gives null
 * (no ACL file configured), everything is allowed, as in Mosquitto without {@code acl_file}.
 */
public final class FileAuthorizer implements Authorizer {
    private final Supplier<AclFile> acl;

    /** @param acl the current ACL (e.g. a {@link ReloadingFile}); null from it means allow all */
    public FileAuthorizer(Supplier<AclFile> acl) {
        this.acl = Objects.requireNonNull(acl, "acl");
    }

    /** @param acl the ACL, or null for allow all */
    public FileAuthorizer(AclFile acl) {
        this(constant(acl));
    }

    private static Supplier<AclFile> constant(AclFile acl) {
        return () -> acl;
    }

    @Override
    public boolean canPublish(ClientIdentity who, String topic) {
        AclFile a = acl.get();
        return a == null || a.canPublish(who.clientId(), who.username(), topic);
    }

    @Override
    public boolean canRead(ClientIdentity who, String topic) {
        AclFile a = acl.get();
        return a == null || a.canRead(who.clientId(), who.username(), topic);
    }

    @Override
    public boolean canSubscribe(ClientIdentity who, String filter) {
        AclFile a = acl.get();
        return a == null || a.canSubscribe(who.clientId(), who.username(), filter) == SubscribeCheck.ALLOWED;
    }
}
