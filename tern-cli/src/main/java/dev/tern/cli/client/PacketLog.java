package dev.tern.cli.client;

import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.PubComp;
import dev.tern.codec.packet.PubRec;
import dev.tern.codec.packet.PubRel;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import java.io.PrintWriter;
import java.util.stream.Collectors;

/**
 * The {@code -d} output: one line per packet sent or received, in the shape mosquitto's clients print
 * ({@code Client tern-x sending PUBLISH (d0, q1, r0, m1, 'a/b', ... (2 bytes))}). Written to standard error, so
 * that the messages {@code tern sub} prints on standard output stay clean.
 */
public final class PacketLog {
    private final PrintWriter out;
    private final boolean enabled;
    private volatile String clientId;

    private PacketLog(PrintWriter out, boolean enabled, String clientId) {
        this.out = out;
        this.enabled = enabled;
        this.clientId = clientId;
    }

    public static PacketLog to(PrintWriter out, String clientId) {
        return new PacketLog(out, true, clientId);
    }

    public static PacketLog off() {
        return new PacketLog(null, false, "");
    }

    public boolean enabled() {
        return enabled;
    }

    /** The id shown from now on (MQTT 5: the one the broker assigned). */
    void clientId(String id) {
        this.clientId = id;
    }

    void sending(MqttPacket p) {
        if (!enabled) {
            return;
        }
        if (p instanceof Subscribe s) {
            for (Subscription sub : s.subscriptions()) {
                line("sending SUBSCRIBE (Mid: " + s.packetId() + ", Topic: " + sub.topicFilter() + ", QoS: "
                        + sub.qos() + ", Options: " + String.format("0x%02x", options(sub)) + ")");
            }
            return;
        }
        line("sending " + describeSent(p));
    }

    void received(MqttPacket p) {
        if (enabled) {
            line("received " + describeReceived(p));
        }
    }

    /** A free-form debug line (e.g. "Subscribed (mid: 1): 0"). */
    void note(String text) {
        if (enabled) {
            out.println(text);
            out.flush();
        }
    }

    private void line(String text) {
        String id = clientId;
        out.println("Client " + (id == null || id.isEmpty() ? "(null)" : id) + " " + text);
        out.flush();
    }

    private static int options(Subscription s) {
        return (s.noLocal() ? 0x04 : 0) | (s.retainAsPublished() ? 0x08 : 0) | (s.retainHandling() << 4);
    }

    private static String describeSent(MqttPacket p) {
        if (p instanceof Publish pub) {
            return publish(pub);
        } else if (p instanceof PubAck a) {
            return "PUBACK (m" + a.packetId() + ", rc" + a.reasonCode() + ")";
        } else if (p instanceof PubRec r) {
            return "PUBREC (m" + r.packetId() + ", rc" + r.reasonCode() + ")";
        } else if (p instanceof PubRel r) {
            return "PUBREL (m" + r.packetId() + ")";
        } else if (p instanceof PubComp c) {
            return "PUBCOMP (m" + c.packetId() + ")";
        }
        return p.type().name();
    }

    private static String describeReceived(MqttPacket p) {
        if (p instanceof Connack c) {
            return "CONNACK (" + c.reasonCode() + ")";
        } else if (p instanceof Publish pub) {
            return publish(pub);
        } else if (p instanceof PubAck a) {
            return "PUBACK (Mid: " + a.packetId() + ", RC:" + a.reasonCode() + ")";
        } else if (p instanceof PubRec r) {
            return "PUBREC (Mid: " + r.packetId() + ")";
        } else if (p instanceof PubRel r) {
            return "PUBREL (Mid: " + r.packetId() + ")";
        } else if (p instanceof PubComp c) {
            return "PUBCOMP (Mid: " + c.packetId() + ", RC:" + c.reasonCode() + ")";
        } else if (p instanceof Disconnect d) {
            return "DISCONNECT (" + d.reasonCode() + ")";
        }
        return p.type().name();
    }

    private static String publish(Publish p) {
        return "PUBLISH (d" + (p.dup() ? 1 : 0) + ", q" + p.qos() + ", r" + (p.retain() ? 1 : 0) + ", m"
                + p.packetId() + ", '" + p.topic() + "', ... (" + p.payload().length + " bytes))";
    }

    /** "Subscribed (mid: 1): 0, 1" as mosquitto_sub prints it after SUBACK. */
    static String subscribed(SubAck s) {
        return "Subscribed (mid: " + s.packetId() + "): "
                + s.reasonCodes().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
