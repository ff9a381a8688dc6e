package dev.tern.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AclFileTest {

    private static AclFile acl(String text) {
        try {
            return AclFile.parse("acl", text);
        } catch (FileFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void topicRulesGrantTheirAccessOnly() {
        AclFile a = acl("""
                user alice
                topic read r/#
                topic write w/#
                topic readwrite rw/#
                topic plain/#
                """);
        assertThat(a.canRead("c", "alice", "r/1")).isTrue();
        assertThat(a.canPublish("c", "alice", "r/1")).isFalse();
        assertThat(a.canRead("c", "alice", "w/1")).isFalse();
        assertThat(a.canPublish("c", "alice", "w/1")).isTrue();
        assertThat(a.canRead("c", "alice", "rw/1")).isTrue();
        assertThat(a.canPublish("c", "alice", "rw/1")).isTrue();
        assertThat(a.canRead("c", "alice", "plain/x")).isTrue();
        assertThat(a.canPublish("c", "alice", "plain/x")).isTrue();
    }

    @Test
    void defaultDeny() {
        AclFile a = acl("user alice\ntopic a/#\n");
        assertThat(a.canPublish("c", "alice", "b")).isFalse();
        assertThat(a.canRead("c", "bob", "a/1")).isFalse();
        assertThat(a.canRead("c", null, "a/1")).isFalse();
        AclFile empty = acl("# nothing\n");
        assertThat(empty.canRead("c", "u", "x")).isFalse();
    }

    @Test
    void linesBeforeTheFirstUserAreForAnonymousClients() {
        AclFile a = acl("""
                topic read public/#
                user alice
                topic alice/#
                """);
        assertThat(a.canRead("c", null, "public/news")).isTrue();
        assertThat(a.canPublish("c", null, "public/news")).isFalse();
        assertThat(a.canRead("c", "alice", "public/news")).isFalse();
        assertThat(a.canRead("c", null, "alice/x")).isFalse();
        assertThat(a.canRead("c", "alice", "alice/x")).isTrue();
    }

    @Test
    void userSectionsEndAtTheNextUserLineAndMayRepeat() {
        AclFile a = acl("""
                user alice
                topic a/#
                user bob
                topic b/#
                user alice
                topic a2/#
                """);
        assertThat(a.canPublish("c", "alice", "a/1")).isTrue();
        assertThat(a.canPublish("c", "alice", "a2/1")).isTrue();
        assertThat(a.canPublish("c", "alice", "b/1")).isFalse();
        assertThat(a.canPublish("c", "bob", "b/1")).isTrue();
        assertThat(a.users()).containsExactly("alice", "bob");
    }

    @Test
    void denyWinsWhereverItStands() {
        AclFile a = acl("""
                user alice
                topic readwrite home/#
                topic deny home/secret/#
                pattern deny home/%u/locked
                """);
        assertThat(a.canPublish("c", "alice", "home/kitchen")).isTrue();
        assertThat(a.canPublish("c", "alice", "home/secret/x")).isFalse();
        assertThat(a.canRead("c", "alice", "home/secret")).isFalse();
        assertThat(a.canRead("c", "alice", "home/alice/locked")).isFalse();
        assertThat(a.canRead("c", "alice", "home/bob/locked")).isTrue();
    }

    @Test
    void patternsSubstituteUsernameAndClientIdForEveryone() {
        AclFile a = acl("""
                user alice
                topic x
                pattern write devices/%c/out
                pattern read users/%u/#
                pattern readwrite shared/%u/%c
                """);
        assertThat(a.canPublish("dev1", "bob", "devices/dev1/out")).isTrue();
        assertThat(a.canPublish("dev1", "bob", "devices/dev2/out")).isFalse();
        assertThat(a.canRead("dev1", "bob", "devices/dev1/out")).isFalse();
        assertThat(a.canRead("dev1", "bob", "users/bob/inbox")).isTrue();
        assertThat(a.canRead("dev1", "alice", "users/alice/inbox")).isTrue();
        assertThat(a.canRead("dev1", "bob", "users/alice/inbox")).isFalse();
        assertThat(a.canPublish("dev1", "bob", "shared/bob/dev1")).isTrue();
        // %c patterns apply to anonymous clients, %u patterns do not
        assertThat(a.canPublish("dev1", null, "devices/dev1/out")).isTrue();
        assertThat(a.canRead("dev1", null, "users/%u/x")).isFalse();
    }

    @Test
    void substitutionIsWholeLevelOnly() {
        AclFile a = acl("pattern dev_%c/x\n");
        assertThat(a.canPublish("1", "u", "dev_1/x")).isFalse();
        assertThat(a.canPublish("1", "u", "dev_%c/x")).isTrue();
    }

    @Test
    void wildcardInjectionGuard() {
        AclFile a = acl("""
                pattern readwrite users/%u/#
                pattern readwrite devices/%c/#
                pattern read public/#
                """);
        // a username or client id with + or # gets no grant from any pattern
        assertThat(a.canRead("c", "+", "users/bob/x")).isFalse();
        assertThat(a.canRead("c", "#", "users/#/x")).isFalse();
        assertThat(a.canRead("#", "bob", "users/bob/x")).isFalse();
        assertThat(a.canRead("dev+", "bob", "public/x")).isFalse();
        assertThat(a.canRead("c", "bob", "users/bob/x")).isTrue();
        // '/' in a name cannot reach into other levels
        assertThat(a.canPublish("c", "bob/x", "users/bob/x/y")).isFalse();
        assertThat(a.canPublish("a/b", "u", "devices/a/b")).isFalse();
        // an empty name fills nothing
        assertThat(a.canPublish("", "u", "devices//x")).isFalse();
        assertThat(a.canPublish("c", "", "users//x")).isFalse();
        assertThat(a.canSubscribe("c", "+", "users/+/x")).isEqualTo(SubscribeCheck.DENIED);
    }

    @Test
    void aNameNeverEscapesADenyPattern() {
        AclFile a = acl("""
                user evil/x
                topic readwrite vault/#
                pattern deny vault/%u/#
                """);
        // a deny pattern with an unusable name matches any level there
        assertThat(a.canPublish("c", "evil/x", "vault/anything/1")).isFalse();
        assertThat(a.canPublish("c", "evil/x", "vault")).isTrue();
    }

    @Test
    void dollarTopicsNeedDollarRules() {
        AclFile a = acl("""
                user alice
                topic read #
                topic read $SYS/broker/#
                """);
        assertThat(a.canRead("c", "alice", "x/y")).isTrue();
        assertThat(a.canRead("c", "alice", "$SYS/broker/uptime")).isTrue();
        assertThat(a.canRead("c", "alice", "$SYS/other")).isFalse();
    }

    @Test
    void topicWithSpacesAfterAnAccessWord() {
        AclFile a = acl("topic read room 101/#\n");
        assertThat(a.canRead("c", null, "room 101/temp")).isTrue();
    }

    @Test
    void wildcardTopicsAreNeverPublishedOrRead() {
        AclFile a = acl("topic #\n");
        assertThat(a.canPublish("c", null, "a/+")).isFalse();
        assertThat(a.canRead("c", null, "a/#")).isFalse();
        assertThat(a.canPublish("c", null, "")).isFalse();
        assertThat(a.canPublish("c", null, null)).isFalse();
    }

    @Test
    void subscribeIsDeniedWhenTheFilterCanNeverBeRead() {
        AclFile a = acl("""
                user alice
                topic read sensors/+/temp
                topic write cmd/#
                topic readwrite home/#
                topic deny home/secret/#
                topic read $SYS/broker/#
                """);
        // can be read
        assertThat(a.canSubscribe("c", "alice", "sensors/+/temp")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "alice", "sensors/#")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "alice", "#")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "alice", "+/kitchen/temp")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "alice", "home/+")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "alice", "$SYS/#")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "alice", "$share/g/sensors/1/temp")).isEqualTo(SubscribeCheck.ALLOWED);
        // never readable
        assertThat(a.canSubscribe("c", "alice", "sensors/1/humidity")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "cmd/#")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "home/secret/#")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "home/secret/+/x")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "other/#")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "$SYS/other")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "bob", "sensors/#")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "a/#/b")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "alice", "$share/g")).isEqualTo(SubscribeCheck.DENIED);
    }

    @Test
    void subscribeConsidersPatterns() {
        AclFile a = acl("pattern read users/%u/#\npattern deny users/%u/private/#\n");
        assertThat(a.canSubscribe("c", "bob", "users/+/inbox")).isEqualTo(SubscribeCheck.ALLOWED);
        assertThat(a.canSubscribe("c", "bob", "users/alice/#")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", "bob", "users/bob/private/x")).isEqualTo(SubscribeCheck.DENIED);
        assertThat(a.canSubscribe("c", null, "users/#")).isEqualTo(SubscribeCheck.DENIED);
    }

    @Test
    void commentsBlankLinesAndIndentation() {
        AclFile a = acl("# header\n\n  # indented comment\nuser alice\n\ttopic read a\r\n");
        assertThat(a.canRead("c", "alice", "a")).isTrue();
        assertThat(a.ruleCount()).isEqualTo(1);
    }

    @Test
    void errorsNameFileAndLine() {
        assertError("topic read a\nuser\n", 2, "'user' without a username");
        assertError("topic\n", 1, "'topic' without a topic");
        assertError("topic read\n", 1, "'topic read' without a topic");
        assertError("\n\ntopic reed a/b\n", 3, "unknown access 'reed'");
        assertError("pattern sub a/b\n", 1, "unknown access 'sub'");
        assertError("# c\ntopics read a\n", 2, "unknown directive 'topics'");
        assertError("topic read a/#/b\n", 1, "invalid topic 'a/#/b'");
        assertError("user u\ntopic read a+\n", 2, "'+' must be a whole level");
    }

    private static void assertError(String text, int line, String problem) {
        assertThatThrownBy(() -> AclFile.parse("/etc/tern/acl", text))
                .isInstanceOfSatisfying(FileFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.getMessage()).startsWith("/etc/tern/acl:" + line + ": ").contains(problem);
                });
    }
}
