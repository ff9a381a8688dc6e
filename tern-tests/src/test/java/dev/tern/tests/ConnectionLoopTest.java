package dev.tern.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.PingResp;
import dev.tern.codec.packet.PubAck;
import dev.tern.codec.packet.Publish;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import dev.tern.testkit.RawMqttClient;
import dev.tern.testkit.TernExtension;
import dev.tern.tests.support.ConnectBuilder;
import dev.tern.tests.support.Raw;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection accepted on one I/O loop whose session belongs to another loop's shard moves to that loop at CONNECT
 * (so that its packets are handled and its writes made without a thread hop). Accepting is round robin and the
 * shard follows the client id, so with two or more loops (one per core) about half of the connections here move.
 * What must hold: packets that arrive in the same read as the CONNECT, and so are decoded before the move, are
 * handled after it in their order, and the connections work as any other.
 */
class ConnectionLoopTest {

    @RegisterExtension
    static final TernExtension broker = new TernExtension();

    private static final int CLIENTS = 16;

    @Test
    @DisplayName("CONNECT, SUBSCRIBE, PUBLISH and PINGREQ in one write: answered in order on every connection")
    void packetsInTheConnectReadKeepTheirOrder() {
        for (MqttVersion version : List.of(MqttVersion.V3_1_1, MqttVersion.V5)) {
            List<RawMqttClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    String id = "loop-" + version + "-" + i;
                    RawMqttClient c = RawMqttClient.connect(broker.port()).version(version);
                    clients.add(c);
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    all.writeBytes(RawMqttClient.encode(ConnectBuilder.of(version, id).build(), version));
                    all.writeBytes(RawMqttClient.encode(new Subscribe(1, null, List.of(),
                            List.of(new Subscription(id, 1, false, false, 0))), version));
                    all.writeBytes(RawMqttClient.encode(Raw.publish(id, 1, 2, "first"), version));
                    all.writeBytes(RawMqttClient.encode(dev.tern.codec.packet.PingReq.INSTANCE, version));
                    c.send(all.toByteArray()); // one write: all four reach the broker in one read
                }
                for (int i = 0; i < CLIENTS; i++) {
                    RawMqttClient c = clients.get(i);
                    String id = "loop-" + version + "-" + i;
                    assertThat(c.expect(Connack.class).reasonCode()).as(id).isZero();
                    assertThat(c.expect(SubAck.class).reasonCodes()).as(id).containsExactly(1);
                    // PUBACK to the PUBLISH and the PUBLISH to the subscription may come in either order; the
                    // PINGRESP comes after the PUBACK (packets of one connection are handled in order)
                    List<Class<?>> seen = new ArrayList<>();
                    Publish delivered = null;
                    while (!seen.contains(PingResp.class) || delivered == null) {
                        MqttPacket p = c.receive(Raw.TIMEOUT);
                        seen.add(p.getClass());
                        if (p instanceof Publish pub) {
                            delivered = pub;
                        }
                    }
                    assertThat(seen).as(id).containsSubsequence(PubAck.class, PingResp.class);
                    assertThat(Raw.text(delivered.payload())).as(id).isEqualTo("first");
                    assertThat(delivered.topic()).as(id).isEqualTo(id);
                }
            } finally {
                clients.forEach(RawMqttClient::close);
            }
        }
    }

    @Test
    @DisplayName("after the move, QoS 1 traffic between connections on different loops arrives complete and in order")
    void trafficAcrossLoopsAfterTheMove() {
        List<RawMqttClient> subs = new ArrayList<>();
        List<RawMqttClient> pubs = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS / 2; i++) {
                subs.add(Raw.connected(broker.port(), ConnectBuilder.v5("loop-sub-" + i)));
                subs.get(i).subscribe("loop/traffic/" + i, 1);
                pubs.add(Raw.connected(broker.port(), ConnectBuilder.v5("loop-pub-" + i)));
            }
            int messages = 200;
            for (int n = 0; n < messages; n++) {
                for (int i = 0; i < pubs.size(); i++) {
                    pubs.get(i).send(Raw.publish("loop/traffic/" + i, 1, n + 1, Integer.toString(n)));
                }
            }
            for (int i = 0; i < subs.size(); i++) {
                RawMqttClient sub = subs.get(i);
                for (int n = 0; n < messages; n++) {
                    Publish p = sub.expect(Publish.class);
                    assertThat(Raw.text(p.payload())).as("subscriber %d, message %d", i, n)
                            .isEqualTo(Integer.toString(n));
                    sub.send(PubAck.of(p.packetId()));
                }
                RawMqttClient pub = pubs.get(i);
                for (int n = 0; n < messages; n++) {
                    assertThat(pub.expect(PubAck.class).packetId()).as("publisher %d", i).isEqualTo(n + 1);
                }
            }
        } finally {
            subs.forEach(RawMqttClient::close);
            pubs.forEach(RawMqttClient::close);
        }
    }
}
