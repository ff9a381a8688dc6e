package dev.tern.codec.encode;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishAck;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.codec.packet.Will;
import dev.tern.codec.wire.Binary;
import dev.tern.codec.wire.Utf8;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Encodes any packet, in either direction, for MQTT 3.1, 3.1.1 and 5. The exact size is computed first, so a
 * buffer can be allocated to fit. MQTT 5 properties are written only when present or different from their
 * default, and the MQTT 5 short forms are used (acknowledgements without reason code and properties, DISCONNECT and
 * AUTH without a body). Strings are not re-validated. Fields a version does not have are ignored.
 *
 * <p>Every method throws {@link IllegalArgumentException} when a value cannot be represented: a string or binary
 * value longer than 65535 bytes, a packet beyond the maximum remaining length, or AUTH for a version before 5.
 */
public final class MqttEncoder {
    private MqttEncoder() {
    }

    /** The number of bytes {@code p} takes on the wire, fixed header included. */
    public static int encodedSize(MqttPacket p, MqttVersion v) {
        int remaining = remainingLength(p, v);
        return 1 + VarInt.size(remaining) + remaining;
    }

    /** Allocates an I/O buffer of exactly the encoded size and encodes {@code p} into it. */
    public static ByteBuf encode(ByteBufAllocator alloc, MqttPacket p, MqttVersion v) {
        int remaining = remainingLength(p, v);
        ByteBuf out = alloc.ioBuffer(1 + VarInt.size(remaining) + remaining);
        try {
            write(p, v, remaining, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Appends the encoding of {@code p} to {@code out}. */
    public static void encode(MqttPacket p, MqttVersion v, ByteBuf out) {
        write(p, v, remainingLength(p, v), out);
    }

    private static void write(MqttPacket p, MqttVersion v, int remaining, ByteBuf out) {
        out.writeByte(firstByte(p));
        VarInt.write(out, remaining);
        writeBody(p, v, out);
    }

    private static int firstByte(MqttPacket p) {
        int type = p.type().code() << 4;
        if (p instanceof Publish pub) {
            return type | (pub.dup() ? 0x08 : 0) | (pub.qos() << 1) | (pub.retain() ? 0x01 : 0);
        }
        PacketType t = p.type();
        return t == PacketType.PUBREL || t == PacketType.SUBSCRIBE || t == PacketType.UNSUBSCRIBE ? type | 0x02 : type;
    }

    // ---- sizes ------------------------------------------------------------------------------------------------

    /** The size of the property block (length prefix included) of {@code p}. */
    private static int propertyBlockSize(int propertiesLength) {
        return VarInt.size(propertiesLength) + propertiesLength;
    }

    private static int propertiesLength(MqttPacket p) {
        if (hasNoProperties(p)) {
            return 0;
        }
        PropertySink.Sizer sizer = new PropertySink.Sizer();
        PacketProperties.describe(p, sizer);
        return sizer.size();
    }

    /** The common cases with nothing to describe: a PUBLISH without properties, an ack without reason string. */
    private static boolean hasNoProperties(MqttPacket p) {
        if (p instanceof Publish pub) {
            return pub.properties().isEmpty();
        }
        if (p instanceof PublishAck a) {
            return a.reasonString() == null && a.userProperties().isEmpty();
        }
        return false;
    }

    private static int willPropertiesLength(Will w) {
        PropertySink.Sizer sizer = new PropertySink.Sizer();
        PacketProperties.will(w, sizer);
        return sizer.size();
    }

    private static int remainingLength(MqttPacket p, MqttVersion v) {
        boolean v5 = v.isV5();
        long size = switch (p.type()) {
            case CONNECT -> connectLength((Connect) p, v);
            case CONNACK -> 2 + (v5 ? propertyBlockSize(propertiesLength(p)) : 0);
            case PUBLISH -> {
                Publish pub = (Publish) p;
                yield (long) Utf8.encodedLength(pub.topic()) + (pub.qos() > 0 ? 2 : 0)
                        + (v5 ? propertyBlockSize(propertiesLength(p)) : 0) + pub.payload().length;
            }
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                if (!v5) {
                    yield 2;
                }
                int props = propertiesLength(p);
                if (props == 0) {
                    yield ((PublishAck) p).reasonCode() == 0 ? 2 : 3;
                }
                yield 3 + propertyBlockSize(props);
            }
            case SUBSCRIBE -> {
                long n = 2 + (v5 ? propertyBlockSize(propertiesLength(p)) : 0);
                for (Subscription s : ((Subscribe) p).subscriptions()) {
                    n += Utf8.encodedLength(s.topicFilter()) + 1;
                }
                yield n;
            }
            case SUBACK -> 2 + (v5 ? propertyBlockSize(propertiesLength(p)) : 0)
                    + ((SubAck) p).reasonCodes().size();
            case UNSUBSCRIBE -> {
                long n = 2 + (v5 ? propertyBlockSize(propertiesLength(p)) : 0);
                for (String f : ((Unsubscribe) p).topicFilters()) {
                    n += Utf8.encodedLength(f);
                }
                yield n;
            }
            case UNSUBACK -> v5 ? 2 + propertyBlockSize(propertiesLength(p)) + ((UnsubAck) p).reasonCodes().size()
                    : 2;
            case PINGREQ, PINGRESP -> 0;
            case DISCONNECT -> v5 ? reasonAndPropertiesLength(((Disconnect) p).reasonCode(), propertiesLength(p)) : 0;
            case AUTH -> {
                if (!v5) {
                    throw new IllegalArgumentException("AUTH exists only in MQTT 5");
                }
                yield reasonAndPropertiesLength(((Auth) p).reasonCode(), propertiesLength(p));
            }
        };
        if (size > VarInt.MAX_VALUE) {
            throw new IllegalArgumentException("packet too large to encode: remaining length " + size);
        }
        return (int) size;
    }

    /** DISCONNECT and AUTH: nothing for reason 0 without properties, else the reason code and properties. */
    private static int reasonAndPropertiesLength(int reasonCode, int propertiesLength) {
        if (propertiesLength == 0) {
            return reasonCode == 0 ? 0 : 1;
        }
        return 1 + propertyBlockSize(propertiesLength);
    }

    private static long connectLength(Connect c, MqttVersion v) {
        long n = Utf8.encodedLength(v.protocolName()) + 1 + 1 + 2;
        if (v.isV5()) {
            n += propertyBlockSize(propertiesLength(c));
        }
        n += Utf8.encodedLength(c.clientId());
        Will w = c.will();
        if (w != null) {
            if (v.isV5()) {
                n += propertyBlockSize(willPropertiesLength(w));
            }
            n += Utf8.encodedLength(w.topic()) + Binary.encodedLength(w.payload());
        }
        if (c.username() != null) {
            n += Utf8.encodedLength(c.username());
        }
        if (c.password() != null) {
            n += Binary.encodedLength(c.password());
        }
        return n;
    }

    // ---- bodies -----------------------------------------------------------------------------------------------

    private static void writeProperties(MqttPacket p, ByteBuf out) {
        int length = propertiesLength(p);
        VarInt.write(out, length);
        if (length > 0) {
            PacketProperties.describe(p, new PropertySink.Writer(out));
        }
    }

    private static void writeBody(MqttPacket p, MqttVersion v, ByteBuf out) {
        boolean v5 = v.isV5();
        switch (p.type()) {
            case CONNECT -> writeConnect((Connect) p, v, out);
            case CONNACK -> {
                Connack c = (Connack) p;
                out.writeByte(c.sessionPresent() ? 1 : 0);
                out.writeByte(c.reasonCode());
                if (v5) {
                    writeProperties(p, out);
                }
            }
            case PUBLISH -> {
                Publish pub = (Publish) p;
                Utf8.write(out, pub.topic());
                if (pub.qos() > 0) {
                    out.writeShort(pub.packetId());
                }
                if (v5) {
                    writeProperties(p, out);
                }
                out.writeBytes(pub.payload());
            }
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                PublishAck a = (PublishAck) p;
                out.writeShort(a.packetId());
                if (v5) {
                    int props = propertiesLength(p);
                    if (props > 0 || a.reasonCode() != 0) {
                        out.writeByte(a.reasonCode());
                    }
                    if (props > 0) {
                        writeProperties(p, out);
                    }
                }
            }
            case SUBSCRIBE -> {
                Subscribe s = (Subscribe) p;
                out.writeShort(s.packetId());
                if (v5) {
                    writeProperties(p, out);
                }
                for (Subscription sub : s.subscriptions()) {
                    Utf8.write(out, sub.topicFilter());
                    out.writeByte(v5 ? optionsV5(sub) : sub.qos());
                }
            }
            case SUBACK -> {
                SubAck s = (SubAck) p;
                out.writeShort(s.packetId());
                if (v5) {
                    writeProperties(p, out);
                }
                writeCodes(s.reasonCodes(), out);
            }
            case UNSUBSCRIBE -> {
                Unsubscribe u = (Unsubscribe) p;
                out.writeShort(u.packetId());
                if (v5) {
                    writeProperties(p, out);
                }
                for (String f : u.topicFilters()) {
                    Utf8.write(out, f);
                }
            }
            case UNSUBACK -> {
                UnsubAck u = (UnsubAck) p;
                out.writeShort(u.packetId());
                if (v5) {
                    writeProperties(p, out);
                    writeCodes(u.reasonCodes(), out);
                }
            }
            case PINGREQ, PINGRESP -> {
                // no body
            }
            case DISCONNECT -> {
                if (v5) {
                    writeReasonAndProperties(((Disconnect) p).reasonCode(), p, out);
                }
            }
            case AUTH -> writeReasonAndProperties(((Auth) p).reasonCode(), p, out);
        }
    }

    private static void writeReasonAndProperties(int reasonCode, MqttPacket p, ByteBuf out) {
        int props = propertiesLength(p);
        if (props == 0 && reasonCode == 0) {
            return;
        }
        out.writeByte(reasonCode);
        if (props > 0) {
            writeProperties(p, out);
        }
    }

    private static int optionsV5(Subscription s) {
        return s.qos() | (s.noLocal() ? 0x04 : 0) | (s.retainAsPublished() ? 0x08 : 0) | (s.retainHandling() << 4);
    }

    private static void writeCodes(List<Integer> codes, ByteBuf out) {
        for (int i = 0, n = codes.size(); i < n; i++) {
            out.writeByte(codes.get(i));
        }
    }

    private static void writeConnect(Connect c, MqttVersion v, ByteBuf out) {
        Utf8.write(out, v.protocolName());
        out.writeByte(v.level());
        Will w = c.will();
        int flags = (c.cleanStart() ? 0x02 : 0)
                | (w != null ? 0x04 | (w.qos() << 3) | (w.retain() ? 0x20 : 0) : 0)
                | (c.password() != null ? 0x40 : 0)
                | (c.username() != null ? 0x80 : 0);
        out.writeByte(flags);
        out.writeShort(c.keepAlive());
        if (v.isV5()) {
            writeProperties(c, out);
        }
        Utf8.write(out, c.clientId());
        if (w != null) {
            if (v.isV5()) {
                VarInt.write(out, willPropertiesLength(w));
                PacketProperties.will(w, new PropertySink.Writer(out));
            }
            Utf8.write(out, w.topic());
            Binary.write(out, w.payload());
        }
        if (c.username() != null) {
            Utf8.write(out, c.username());
        }
        if (c.password() != null) {
            Binary.write(out, c.password());
        }
    }
}
