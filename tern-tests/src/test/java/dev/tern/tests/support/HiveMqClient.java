package dev.tern.tests.support;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The HiveMQ MQTT client, MQTT 3.1.1 or 5 (async API, waited on with a timeout). */
final class HiveMqClient implements TestClient {
    private final String clientId;
    private final boolean v5;
    private final Mqtt3AsyncClient client3;
    private final Mqtt5AsyncClient client5;
    private final BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();

    HiveMqClient(int port, String clientId, boolean v5) {
        this.clientId = clientId;
        this.v5 = v5;
        if (v5) {
            client5 = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                    .buildAsync();
            client3 = null;
            client5.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, p -> messages.add(
                    new Msg(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(),
                            false)));
        } else {
            client3 = Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                    .buildAsync();
            client5 = null;
            client3.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, p -> messages.add(
                    new Msg(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(),
                            false)));
        }
    }

    @Override
    public String name() {
        return (v5 ? "hivemq-v5 " : "hivemq-v3 ") + clientId;
    }

    @Override
    public void connect(boolean clean) throws Exception {
        if (v5) {
            client5.connectWith().cleanStart(clean).sessionExpiryInterval(clean ? 0 : 300).keepAlive(30).send()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            client3.connectWith().cleanSession(clean).keepAlive(30).send()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void subscribe(String filter, int qos) throws Exception {
        if (v5) {
            Mqtt5SubAck ack = client5.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).send()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (ack.getReasonCodes().get(0).isError()) {
                throw new IllegalStateException("subscription refused: " + filter + " " + ack);
            }
        } else {
            Mqtt3SubAck ack = client3.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).send()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (ack.getReturnCodes().get(0) == Mqtt3SubAckReturnCode.FAILURE) {
                throw new IllegalStateException("subscription refused: " + filter);
            }
        }
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain) throws Exception {
        if (v5) {
            client5.publishWith().topic(topic).payload(payload).qos(MqttQos.fromCode(qos)).retain(retain).send()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            client3.publishWith().topic(topic).payload(payload).qos(MqttQos.fromCode(qos)).retain(retain).send()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void disconnect() throws Exception {
        if (v5) {
            client5.disconnect().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            client3.disconnect().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public BlockingQueue<Msg> messages() {
        return messages;
    }

    @Override
    public void close() {
        try {
            if (v5 ? client5.getState().isConnected() : client3.getState().isConnected()) {
                disconnect();
            }
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
