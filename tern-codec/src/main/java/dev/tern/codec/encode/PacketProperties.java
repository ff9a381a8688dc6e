package dev.tern.codec.encode;

import dev.tern.codec.packet.Auth;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.Disconnect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.PublishAck;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.UnsubAck;
import dev.tern.codec.packet.Unsubscribe;
import dev.tern.codec.packet.Will;
import dev.tern.codec.wire.Property;

/** Which MQTT 5 properties each packet puts on the wire: only present or non-default values. */
final class PacketProperties {
    private PacketProperties() {
    }

    /** Sends the variable-header properties of {@code p} (not the will's) to {@code sink}. */
    static void describe(MqttPacket p, PropertySink sink) {
        if (p instanceof Publish pub) {
            publish(pub.properties(), true, sink);
        } else if (p instanceof PublishAck a) {
            sink.optionalUtf8(Property.REASON_STRING, a.reasonString());
            sink.userProperties(a.userProperties());
        } else if (p instanceof Connect c) {
            connect(c, sink);
        } else if (p instanceof Connack c) {
            connack(c, sink);
        } else if (p instanceof Subscribe s) {
            if (s.subscriptionIdentifier() != null) {
                sink.varInt(Property.SUBSCRIPTION_IDENTIFIER, s.subscriptionIdentifier());
            }
            sink.userProperties(s.userProperties());
        } else if (p instanceof SubAck s) {
            sink.optionalUtf8(Property.REASON_STRING, s.reasonString());
            sink.userProperties(s.userProperties());
        } else if (p instanceof Unsubscribe u) {
            sink.userProperties(u.userProperties());
        } else if (p instanceof UnsubAck u) {
            sink.optionalUtf8(Property.REASON_STRING, u.reasonString());
            sink.userProperties(u.userProperties());
        } else if (p instanceof Disconnect d) {
            sink.fourByte(Property.SESSION_EXPIRY_INTERVAL, d.sessionExpiryInterval());
            sink.optionalUtf8(Property.REASON_STRING, d.reasonString());
            sink.optionalUtf8(Property.SERVER_REFERENCE, d.serverReference());
            sink.userProperties(d.userProperties());
        } else if (p instanceof Auth a) {
            sink.optionalUtf8(Property.AUTHENTICATION_METHOD, a.authenticationMethod());
            sink.optionalBinary(Property.AUTHENTICATION_DATA, a.authenticationData());
            sink.optionalUtf8(Property.REASON_STRING, a.reasonString());
            sink.userProperties(a.userProperties());
        }
        // PINGREQ and PINGRESP have no properties
    }

    private static void connect(Connect c, PropertySink sink) {
        if (c.sessionExpiryInterval() != 0) {
            sink.fourByte(Property.SESSION_EXPIRY_INTERVAL, c.sessionExpiryInterval());
        }
        if (c.receiveMaximum() != 65_535) {
            sink.twoByte(Property.RECEIVE_MAXIMUM, c.receiveMaximum());
        }
        if (c.maximumPacketSize() != 0) {
            sink.fourByte(Property.MAXIMUM_PACKET_SIZE, c.maximumPacketSize());
        }
        if (c.topicAliasMaximum() != 0) {
            sink.twoByte(Property.TOPIC_ALIAS_MAXIMUM, c.topicAliasMaximum());
        }
        if (c.requestResponseInformation()) {
            sink.oneByte(Property.REQUEST_RESPONSE_INFORMATION, 1);
        }
        if (!c.requestProblemInformation()) {
            sink.oneByte(Property.REQUEST_PROBLEM_INFORMATION, 0);
        }
        sink.optionalUtf8(Property.AUTHENTICATION_METHOD, c.authenticationMethod());
        sink.optionalBinary(Property.AUTHENTICATION_DATA, c.authenticationData());
        sink.userProperties(c.userProperties());
    }

    /** The will properties of a CONNECT payload. */
    static void will(Will w, PropertySink sink) {
        if (w.delayInterval() != 0) {
            sink.fourByte(Property.WILL_DELAY_INTERVAL, w.delayInterval());
        }
        publish(w.properties(), false, sink);
    }

    private static void connack(Connack c, PropertySink sink) {
        sink.fourByte(Property.SESSION_EXPIRY_INTERVAL, c.sessionExpiryInterval());
        sink.twoByte(Property.RECEIVE_MAXIMUM, c.receiveMaximum());
        sink.oneByte(Property.MAXIMUM_QOS, c.maximumQos());
        sink.flag(Property.RETAIN_AVAILABLE, c.retainAvailable());
        sink.fourByte(Property.MAXIMUM_PACKET_SIZE, c.maximumPacketSize());
        sink.optionalUtf8(Property.ASSIGNED_CLIENT_IDENTIFIER, c.assignedClientIdentifier());
        sink.twoByte(Property.TOPIC_ALIAS_MAXIMUM, c.topicAliasMaximum());
        sink.optionalUtf8(Property.REASON_STRING, c.reasonString());
        sink.flag(Property.WILDCARD_SUBSCRIPTION_AVAILABLE, c.wildcardSubscriptionAvailable());
        sink.flag(Property.SUBSCRIPTION_IDENTIFIER_AVAILABLE, c.subscriptionIdentifiersAvailable());
        sink.flag(Property.SHARED_SUBSCRIPTION_AVAILABLE, c.sharedSubscriptionAvailable());
        sink.twoByte(Property.SERVER_KEEP_ALIVE, c.serverKeepAlive());
        sink.optionalUtf8(Property.RESPONSE_INFORMATION, c.responseInformation());
        sink.optionalUtf8(Property.SERVER_REFERENCE, c.serverReference());
        sink.optionalUtf8(Property.AUTHENTICATION_METHOD, c.authenticationMethod());
        sink.optionalBinary(Property.AUTHENTICATION_DATA, c.authenticationData());
        sink.userProperties(c.userProperties());
    }

    private static void publish(PublishProperties p, boolean inPublish, PropertySink sink) {
        if (p.isEmpty()) {
            return;
        }
        sink.oneByte(Property.PAYLOAD_FORMAT_INDICATOR, p.payloadFormatIndicator());
        sink.fourByte(Property.MESSAGE_EXPIRY_INTERVAL, p.messageExpiryInterval());
        if (inPublish) {
            sink.twoByte(Property.TOPIC_ALIAS, p.topicAlias());
        }
        sink.optionalUtf8(Property.RESPONSE_TOPIC, p.responseTopic());
        sink.optionalBinary(Property.CORRELATION_DATA, p.correlationData());
        sink.optionalUtf8(Property.CONTENT_TYPE, p.contentType());
        if (inPublish) {
            for (int i = 0, n = p.subscriptionIdentifiers().size(); i < n; i++) {
                sink.varInt(Property.SUBSCRIPTION_IDENTIFIER, p.subscriptionIdentifiers().get(i));
            }
        }
        sink.userProperties(p.userProperties());
    }
}
