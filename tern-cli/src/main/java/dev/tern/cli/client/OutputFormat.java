package dev.tern.cli.client;

import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@code tern sub} prints a message: the payload, {@code topic payload} with {@code -v}, or a {@code -F} format
 * string in mosquitto_sub's language.
 *
 * <p>{@code -F} supports: {@code %%}, {@code %t} topic, {@code %p} payload, {@code %q} QoS, {@code %r} retain (0/1),
 * {@code %m} message id, {@code %l} payload length, {@code %x}/{@code %X} payload in hex, {@code %I} ISO-8601 time,
 * {@code %U} Unix time with nanoseconds, {@code %j} JSON; the MQTT 5 properties {@code %A} topic alias, {@code %C}
 * content type, {@code %D} correlation data, {@code %E} message expiry, {@code %F} payload format indicator,
 * {@code %P} user properties ({@code name:value}, space separated), {@code %R} response topic, {@code %S}
 * subscription identifiers (comma separated); flags {@code -} and {@code 0}, a field width and a {@code .max}
 * width (for {@code %C %I %R %t}; like mosquitto_sub 2.0, a width also cuts a longer {@code %p}); the time
 * fields {@code @Y @m @d @H @M @S @z @Z @s @N @@}; and the escapes {@code \\ \0 \a \e \n \r \t \v}.
 * Not supported: {@code %J} and the other {@code @} strftime fields (printed as written).
 */
public final class OutputFormat {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx", Locale.ROOT);
    private static final DateTimeFormatter JSON_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx", Locale.ROOT);

    private final String format;
    private final boolean verbose;
    private final ZoneId zone;

    private OutputFormat(String format, boolean verbose, ZoneId zone) {
        this.format = format;
        this.verbose = verbose;
        this.zone = zone;
    }

    /** {@code -F format} when given, else {@code -v} or the bare payload. */
    public static OutputFormat of(String format, boolean verbose) {
        return new OutputFormat(format, verbose, ZoneId.systemDefault());
    }

    OutputFormat withZone(ZoneId newZone) {
        return new OutputFormat(format, verbose, newZone);
    }

    /** The text for one message, without the trailing newline. */
    public String render(Publish p, Instant received) {
        if (format != null) {
            return formatted(p, received);
        }
        String payload = text(p.payload());
        if (verbose) {
            return p.topic() + " " + (p.payload().length == 0 ? "(null)" : payload);
        }
        return payload;
    }

    private String formatted(Publish p, Instant received) {
        StringBuilder out = new StringBuilder();
        int n = format.length();
        for (int i = 0; i < n; i++) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < n) {
                int j = i + 1;
                boolean left = false;
                boolean zero = false;
                while (j < n && (format.charAt(j) == '-' || format.charAt(j) == '0')) {
                    left |= format.charAt(j) == '-';
                    zero |= format.charAt(j) == '0';
                    j++;
                }
                int width = 0;
                while (j < n && Character.isDigit(format.charAt(j))) {
                    width = width * 10 + (format.charAt(j++) - '0');
                }
                int max = -1;
                if (j < n && format.charAt(j) == '.') {
                    j++;
                    max = 0;
                    while (j < n && Character.isDigit(format.charAt(j))) {
                        max = max * 10 + (format.charAt(j++) - '0');
                    }
                }
                if (j >= n) {
                    out.append(format, i, n);
                    break;
                }
                char conv = format.charAt(j);
                String value = field(conv, p, received);
                if (value == null) {
                    out.append(format, i, j + 1);
                } else {
                    // as mosquitto_sub: a maximum width applies to %C %I %R %t only, and %p is cut to its width
                    int limit = "CIRt".indexOf(conv) >= 0 ? max : conv == 'p' && width > 0 ? width : -1;
                    pad(out, value, left, zero && "AEFlmSxX".indexOf(conv) >= 0, width, limit);
                }
                i = j;
            } else if (c == '@' && i + 1 < n) {
                char t = format.charAt(++i);
                String value = time(t, received);
                out.append(value != null ? value : "@" + t);
            } else if (c == '\\' && i + 1 < n) {
                char e = format.charAt(++i);
                switch (e) {
                    case '\\' -> out.append('\\');
                    case '0' -> out.append('\0');
                    case 'a' -> out.append('\u0007');
                    case 'e' -> out.append('\u001b');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'v' -> out.append('\u000b');
                    default -> out.append('\\').append(e);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void pad(StringBuilder out, String value, boolean left, boolean zero, int width, int max) {
        String v = max >= 0 && value.length() > max ? value.substring(0, max) : value;
        int fill = width - v.length();
        if (fill <= 0) {
            out.append(v);
        } else if (left) {
            out.append(v).append(" ".repeat(fill));
        } else {
            out.append((zero ? "0" : " ").repeat(fill)).append(v);
        }
    }

    /** The value of {@code %conv}, "" for an absent property, null for an unknown conversion. */
    private String field(char conv, Publish p, Instant received) {
        PublishProperties props = p.properties();
        return switch (conv) {
            case '%' -> "%";
            case 't' -> p.topic();
            case 'p' -> text(p.payload());
            case 'q' -> String.valueOf(p.qos());
            case 'r' -> p.retain() ? "1" : "0";
            case 'm' -> String.valueOf(p.packetId());
            case 'l' -> String.valueOf(p.payload().length);
            case 'x' -> HexFormat.of().formatHex(p.payload());
            case 'X' -> HexFormat.of().withUpperCase().formatHex(p.payload());
            case 'I' -> ISO.format(ZonedDateTime.ofInstant(received, zone));
            case 'U' -> received.getEpochSecond() + "." + String.format("%09d", received.getNano());
            case 'j' -> json(p, received);
            case 'A' -> props.topicAlias() == null ? "" : props.topicAlias().toString();
            case 'C' -> props.contentType() == null ? "" : props.contentType();
            case 'D' -> props.correlationData() == null ? "" : text(props.correlationData());
            case 'E' -> props.messageExpiryInterval() == null ? "" : props.messageExpiryInterval().toString();
            case 'F' -> props.payloadFormatIndicator() == null ? "" : props.payloadFormatIndicator().toString();
            case 'P' -> props.userProperties().stream().map(u -> u.name() + ":" + u.value())
                    .collect(Collectors.joining(" "));
            case 'R' -> props.responseTopic() == null ? "" : props.responseTopic();
            case 'S' -> props.subscriptionIdentifiers().stream().map(String::valueOf)
                    .collect(Collectors.joining(","));
            default -> null;
        };
    }

    private String time(char t, Instant received) {
        ZonedDateTime z = ZonedDateTime.ofInstant(received, zone);
        return switch (t) {
            case '@' -> "@";
            case 'Y' -> String.format("%04d", z.getYear());
            case 'm' -> String.format("%02d", z.getMonthValue());
            case 'd' -> String.format("%02d", z.getDayOfMonth());
            case 'H' -> String.format("%02d", z.getHour());
            case 'M' -> String.format("%02d", z.getMinute());
            case 'S' -> String.format("%02d", z.getSecond());
            case 'z' -> DateTimeFormatter.ofPattern("xx", Locale.ROOT).format(z);
            case 'Z' -> DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(z);
            case 's' -> String.valueOf(received.getEpochSecond());
            case 'N' -> String.format("%09d", received.getNano());
            default -> null;
        };
    }

    private String json(Publish p, Instant received) {
        StringBuilder sb = new StringBuilder("{\"tst\":\"")
                .append(JSON_TIME.format(ZonedDateTime.ofInstant(received, zone)))
                .append("\",\"topic\":").append(quote(p.topic()))
                .append(",\"qos\":").append(p.qos())
                .append(",\"retain\":").append(p.retain() ? 1 : 0)
                .append(",\"payloadlen\":").append(p.payload().length);
        PublishProperties props = p.properties();
        if (!props.isEmpty()) {
            sb.append(",\"properties\":{");
            int start = sb.length();
            appendProperty(sb, "payload-format-indicator", props.payloadFormatIndicator());
            appendProperty(sb, "message-expiry-interval", props.messageExpiryInterval());
            appendProperty(sb, "topic-alias", props.topicAlias());
            appendProperty(sb, "response-topic", props.responseTopic() == null ? null : quote(props.responseTopic()));
            appendProperty(sb, "correlation-data",
                    props.correlationData() == null ? null : quote(text(props.correlationData())));
            appendProperty(sb, "content-type", props.contentType() == null ? null : quote(props.contentType()));
            if (!props.subscriptionIdentifiers().isEmpty()) {
                appendProperty(sb, "subscription-identifier", props.subscriptionIdentifiers().get(0));
            }
            if (!props.userProperties().isEmpty()) {
                comma(sb, start);
                sb.append("\"user-properties\":{");
                for (int i = 0; i < props.userProperties().size(); i++) {
                    UserProperty u = props.userProperties().get(i);
                    sb.append(i == 0 ? "" : ",").append(quote(u.name())).append(':').append(quote(u.value()));
                }
                sb.append('}');
            }
            sb.append('}');
        }
        sb.append(",\"payload\":").append(p.payload().length == 0 ? "null" : quote(text(p.payload()))).append('}');
        return sb.toString();
    }

    private static void appendProperty(StringBuilder sb, String name, Object value) {
        if (value != null) {
            if (sb.charAt(sb.length() - 1) != '{') {
                sb.append(',');
            }
            sb.append('"').append(name).append("\":").append(value);
        }
    }

    private static void comma(StringBuilder sb, int start) {
        if (sb.length() > start) {
            sb.append(',');
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
