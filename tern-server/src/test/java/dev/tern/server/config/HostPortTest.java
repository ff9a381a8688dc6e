package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void toStringBracketsIpv6() {
        assertThat(HostPort.parse("[::1]:1883")).hasToString("[::1]:1883");
        assertThat(HostPort.parse("127.0.0.1:1883")).hasToString("127.0.0.1:1883");
    }

    @Test
    void ipv6Literals() {
        assertThat(HostPort.isIpv6("::")).isTrue();
        assertThat(HostPort.isIpv6("::1")).isTrue();
        assertThat(HostPort.isIpv6("fe80::1%eth0")).isTrue();
        assertThat(HostPort.isIpv6("2001:db8:0:0:0:0:0:1")).isTrue();
        assertThat(HostPort.isIpv6("::ffff:192.0.2.1")).isTrue();
        assertThat(HostPort.isIpv6("1.2.3.4:1883")).isFalse();
        assertThat(HostPort.isIpv6("1:2:3")).isFalse();
        assertThat(HostPort.isIpv6("1::2::3")).isFalse();
        assertThat(HostPort.isIpv6("12345::")).isFalse();
        assertThat(HostPort.isIpv6("zz::")).isFalse();
    }

    @Test
    void parseHost() {
        assertThat(HostPort.parseHost("[::1]")).isEqualTo("::1");
        assertThat(HostPort.parseHost("::")).isEqualTo("::");
        assertThat(HostPort.parseHost("0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(HostPort.parseHost("localhost")).isEqualTo("localhost");
        assertThatThrownBy(() -> HostPort.parseHost("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parseHost("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPort.parseHost("1.2.3.4:1883")).isInstanceOf(IllegalArgumentException.class);
    }
}
