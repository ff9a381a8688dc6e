package dev.tern.codec.packet;

import java.util.List;

/** What PUBACK, PUBREC, PUBREL and PUBCOMP share: they have one shape on the wire. */
public sealed interface PublishAck extends MqttPacket permits PubAck, PubRec, PubRel, PubComp {
    int packetId();

    int reasonCode();

    String reasonString();

    List<UserProperty> userProperties();
}
