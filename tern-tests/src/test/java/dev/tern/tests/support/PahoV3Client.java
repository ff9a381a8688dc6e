package dev.tern.tests.support;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Eclipse Paho, MQTT 3.1.1 or 3.1. */
final class PahoV3Client implements TestClient {
    private final MqttClient client;
    private final String clientId;
    private final int mqttVersion;
    private final BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();

    PahoV3Client(int port, String clientId) {
        this(port, clientId, MqttConnectOptions.MQTT_VERSION_3_1_1);
    }

    PahoV3Client(int port, String clientId, int mqttVersion) {
        this.clientId = clientId;
        this.mqttVersion = mqttVersion;
        try {
            this.client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        client.setTimeToWait(TIMEOUT.toMillis());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                messages.add(new Msg(topic, m.getPayload(), m.getQos(), m.isRetained(), m.isDuplicate()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    @Override
    public String name() {
        return (mqttVersion == MqttConnectOptions.MQTT_VERSION_3_1 ? "paho-v3.1 " : "paho-v3 ") + clientId;
    }

    @Override
    public void connect(boolean clean) throws Exception {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(mqttVersion);
        o.setCleanSession(clean);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(5);
        o.setMaxInflight(1000);
        client.connect(o);
    }

    @Override
    public void subscribe(String filter, int qos) throws Exception {
        // the synchronous client waits for the SUBACK and throws when the broker refused the filter
        client.subscribe(filter, qos);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain) throws Exception {
        client.publish(topic, payload, qos, retain);
    }

    @Override
    public void disconnect() throws Exception {
        client.disconnect(2000);
    }

    @Override
    public BlockingQueue<Msg> messages() {
        return messages;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (Exception ignored) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
