package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.spi.auth.AuthRequest;
import dev.tern.spi.auth.AuthResult;
import dev.tern.spi.auth.Authorizer;
import dev.tern.spi.auth.ClientIdentity;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FileAuthTest {
    private static final InetSocketAddress ADDR = new InetSocketAddress("127.0.0.1", 50000);
    private final PasswordFile passwords = PasswordFile.parse("pw",
            "alice:" + PasswordFile.hash("wonderland".getBytes(UTF_8)) + "\n");

    FileAuthTest() throws FileFormatException {
    }

    private static AuthRequest req(String user, String password, String listener) {
        return new AuthRequest("c1", user, password == null ? null : password.getBytes(UTF_8), ADDR, listener);
    }

    @Test
    void authenticatesAgainstThePasswordFile() {
        FileAuthenticator auth = new FileAuthenticator(passwords, false);
        assertThat(auth.authenticate(req("alice", "wonderland", "tcp"))).isEqualTo(AuthResult.ALLOW);
        assertThat(auth.authenticate(req("alice", "wrong", "tcp"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
        assertThat(auth.authenticate(req("alice", null, "tcp"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
        assertThat(auth.authenticate(req("mallory", "wonderland", "tcp"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
        assertThat(auth.authenticate(req(null, null, "tcp"))).isEqualTo(AuthResult.NOT_AUTHORIZED);
    }

    @Test
    void anonymousWhereAllowed() {
        assertThat(new FileAuthenticator(passwords, true).authenticate(req(null, null, "tcp")))
                .isEqualTo(AuthResult.ALLOW);
        FileAuthenticator perListener = new FileAuthenticator(() -> passwords, "local"::equals);
        assertThat(perListener.authenticate(req(null, null, "local"))).isEqualTo(AuthResult.ALLOW);
        assertThat(perListener.authenticate(req(null, null, "public"))).isEqualTo(AuthResult.NOT_AUTHORIZED);
        // a username is always checked, anonymous allowed or not
        assertThat(new FileAuthenticator(passwords, true).authenticate(req("alice", "x", "tcp")))
                .isEqualTo(AuthResult.BAD_CREDENTIALS);
    }

    @Test
    void followsTheSuppliedFile() throws Exception {
        AtomicReference<PasswordFile> current = new AtomicReference<>(passwords);
        FileAuthenticator auth = new FileAuthenticator(current::get, false);
        assertThat(auth.authenticate(req("alice", "wonderland", "tcp"))).isEqualTo(AuthResult.ALLOW);
        current.set(PasswordFile.parse("pw", "bob:" + PasswordFile.hash("b".getBytes(UTF_8))));
        assertThat(auth.authenticate(req("alice", "wonderland", "tcp"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
        assertThat(auth.authenticate(req("bob", "b", "tcp"))).isEqualTo(AuthResult.ALLOW);
        current.set(null);
        assertThat(auth.authenticate(req("bob", "b", "tcp"))).isEqualTo(AuthResult.BAD_CREDENTIALS);
    }

    @Test
    void authorizerAnswersFromTheAcl() throws Exception {
        AclFile acl = AclFile.parse("acl", "user alice\ntopic read in/#\ntopic write out/#\n"
                + "pattern readwrite clients/%c/#\n");
        Authorizer authz = new FileAuthorizer(acl);
        ClientIdentity alice = new ClientIdentity("dev1", "alice", ADDR, "tcp");
        assertThat(authz.canRead(alice, "in/x")).isTrue();
        assertThat(authz.canPublish(alice, "in/x")).isFalse();
        assertThat(authz.canPublish(alice, "out/x")).isTrue();
        assertThat(authz.canPublish(alice, "clients/dev1/x")).isTrue();
        assertThat(authz.canSubscribe(alice, "in/+")).isTrue();
        assertThat(authz.canSubscribe(alice, "out/#")).isFalse();
        ClientIdentity anon = new ClientIdentity("dev2", null, ADDR, "tcp");
        assertThat(authz.canRead(anon, "in/x")).isFalse();
        assertThat(authz.canRead(anon, "clients/dev2/x")).isTrue();
    }

    @Test
    void noAclMeansAllowAll() {
        ClientIdentity who = new ClientIdentity("c", null, null, "tcp");
        for (Authorizer a : new Authorizer[] {new FileAuthorizer((AclFile) null), Authorizer.ALLOW_ALL}) {
            assertThat(a.canPublish(who, "x")).isTrue();
            assertThat(a.canRead(who, "x")).isTrue();
            assertThat(a.canSubscribe(who, "#")).isTrue();
        }
    }
}
