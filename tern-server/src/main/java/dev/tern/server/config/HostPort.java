package dev.tern.server.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@code host:port} pair as written in the configuration: {@code 0.0.0.0:1883}, {@code localhost:1883},
 * {@code [::1]:1883}. The host is kept without brackets.
 */
public record HostPort(String host, int port) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9._-]+");

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }

    /**
     * Parses {@code host:port}; IPv6 addresses go in brackets.
     *
     * @throws IllegalArgumentException with a message that can follow "expected host:port, got '...'"
     */
    public static HostPort parse(String text) {
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("an IPv6 address is written [address]:port, e.g. [::1]:1883");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the port is missing, e.g. 0.0.0.0:1883");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("an IPv6 address goes in brackets, e.g. [::1]:1883");
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("the host is missing (0.0.0.0 = all IPv4 interfaces, [::] = all)");
            }
            checkHost(host);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the port must be a number 0..65535");
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException("the port must be a number 0..65535");
        }
        return new HostPort(host, p);
    }

    /**
     * Checks a bare host (an IPv4 address, a host name, or an IPv6 address with or without brackets) and returns
     * it without brackets.
     *
     * @throws IllegalArgumentException when it is none of these
     */
    public static String parseHost(String text) {
        String h = text.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf(':') >= 0) {
            if (!isIpv6(h)) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
            }
            return h;
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("the host is empty");
        }
        checkHost(h);
        return h;
    }

    /** An IPv6 literal without brackets, optionally with a zone ({@code fe80::1%eth0}). */
    static boolean isIpv6(String text) {
        String s = text;
        int percent = s.indexOf('%');
        if (percent >= 0) {
            if (!ZONE.matcher(s.substring(percent + 1)).matches()) {
                return false;
            }
            s = s.substring(0, percent);
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String tail = gap >= 0 ? s.substring(gap + 2) : "";
        int groups = 0;
        String[] parts = {head, tail};
        for (int p = 0; p < parts.length; p++) {
            if (parts[p].isEmpty()) {
                continue;
            }
            String[] pieces = parts[p].split(":", -1);
            for (int i = 0; i < pieces.length; i++) {
                boolean last = i == pieces.length - 1 && (gap < 0 || p == 1);
                if (last && pieces[i].indexOf('.') >= 0) {
                    if (!IPV4.matcher(pieces[i]).matches()) {
                        return false;
                    }
                    groups += 2;
                } else if (HEX_GROUP.matcher(pieces[i]).matches()) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        return gap >= 0 ? groups <= 7 : groups == 8;
    }

    private static void checkHost(String host) {
        if (!NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
        }
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
