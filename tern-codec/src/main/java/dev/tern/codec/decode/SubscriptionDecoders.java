package dev.tern.codec.decode;

import dev.tern.codec.MalformedPacketException;
import dev.tern.codec.MqttVersion;
import dev.tern.codec.PacketType;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.codec.wire.Property;
import dev.tern.codec.wire.Utf8;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Decodes SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK. Topic filter syntax is left to the broker. */
final class SubscriptionDecoders {
    private static final boolean[] V3_SUBACK_CODES = Decoding.codes(0x00, 0x01, 0x02, 0x80);
    private static final boolean[] V5_SUBACK_CODES = Decoding.codes(0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F,
            0x91, 0x97, 0x9E, 0xA1, 0xA2);
    private static final boolean[] UNSUBACK_CODES = Decoding.codes(0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);
    private static final String SHARE_PREFIX = "$share/";

    private SubscriptionDecoders() {
    }

    static Subscribe subscribe(ByteBuf body, MqttVersion version) {
        int packetId = Decoding.packetId(body);
        boolean v5 = version.isV5();
        DecodedProperties p = v5
                ? PropertyReader.read(body, PacketType.SUBSCRIBE.code(), false) : DecodedProperties.EMPTY;
        List<Subscription> subscriptions = new ArrayList<>();
        while (body.isReadable()) {
            String filter = Utf8.read(body);
            subscriptions.add(v5 ? v5Options(filter, body.readUnsignedByte())
                    : v3Options(filter, body.readUnsignedByte()));
        }
        if (subscriptions.isEmpty()) {
            throw MalformedPacketException.protocolError("SUBSCRIBE without topic filters");
        }
        Integer subscriptionId = p.subscriptionIdentifiers().isEmpty() ? null : p.subscriptionIdentifiers().get(0);
        return new Subscribe(packetId, subscriptionId, p.userProperties(), subscriptions);
    }

    private static Subscription v3Options(String filter, int options) {
        if ((options & 0xFC) != 0) {
            throw MalformedPacketException.malformed("SUBSCRIBE reserved option bits set");
        }
        return new Subscription(filter, checkQos(options & 0x03), false, false, 0);
    }

    private static Subscription v5Options(String filter, int options) {
        if ((options & 0xC0) != 0) {
            throw MalformedPacketException.malformed("SUBSCRIBE reserved option bits set");
        }
        int qos = checkQos(options & 0x03);
        boolean noLocal = (options & 0x04) != 0;
        boolean retainAsPublished = (options & 0x08) != 0;
        int retainHandling = (options >> 4) & 0x03;
        if (retainHandling == 3) {
            throw MalformedPacketException.protocolError("retain handling 3");
        }
        if (noLocal && filter.startsWith(SHARE_PREFIX)) {
            throw MalformedPacketException.protocolError("no local set on a shared subscription");
        }
        return new Subscription(filter, qos, noLocal, retainAsPublished, retainHandling);
    }

    private static int checkQos(int qos) {
        if (qos == 3) {
            throw MalformedPacketException.malformed("subscription QoS 3");
        }
        return qos;
    }

    static Unsubscribe unsubscribe(ByteBuf body, MqttVersion version) {
        int packetId = Decoding.packetId(body);
        DecodedProperties p = version.isV5()
                ? PropertyReader.read(body, PacketType.UNSUBSCRIBE.code(), false) : DecodedProperties.EMPTY;
        List<String> filters = new ArrayList<>();
        while (body.isReadable()) {
            filters.add(Utf8.read(body));
        }
        if (filters.isEmpty()) {
            throw MalformedPacketException.protocolError("UNSUBSCRIBE without topic filters");
        }
        return new Unsubscribe(packetId, p.userProperties(), filters);
    }

    static SubAck subAck(ByteBuf body, MqttVersion version) {
        int packetId = Decoding.packetId(body);
        boolean v5 = version.isV5();
        DecodedProperties p = v5
                ? PropertyReader.read(body, PacketType.SUBACK.code(), false) : DecodedProperties.EMPTY;
        List<Integer> codes = reasonCodes(body, v5 ? V5_SUBACK_CODES : V3_SUBACK_CODES, "SUBACK");
        return new SubAck(packetId, p.string(Property.REASON_STRING), p.userProperties(), codes);
    }

    static UnsubAck unsubAck(ByteBuf body, MqttVersion version) {
        int packetId = Decoding.packetId(body);
        if (!version.isV5()) {
            Decoding.expectEnd(body, "UNSUBACK");
            return new UnsubAck(packetId, null, List.of(), List.of());
        }
        DecodedProperties p = PropertyReader.read(body, PacketType.UNSUBACK.code(), false);
        List<Integer> codes = reasonCodes(body, UNSUBACK_CODES, "UNSUBACK");
        return new UnsubAck(packetId, p.string(Property.REASON_STRING), p.userProperties(), codes);
    }

    private static List<Integer> reasonCodes(ByteBuf body, boolean[] allowed, String packet) {
        if (!body.isReadable()) {
            throw MalformedPacketException.protocolError(packet + " without reason codes");
        }
        List<Integer> codes = new ArrayList<>(body.readableBytes());
        while (body.isReadable()) {
            codes.add(Decoding.reasonCode(body, allowed, packet));
        }
        return codes;
    }
}
