package dev.tern.tests.support;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** Eclipse Paho, MQTT 5. */
final class PahoV5Client implements TestClient {
    private final MqttClient client;
    private final String clientId;
    private final BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();

    PahoV5Client(int port, String clientId) {
        this.clientId = clientId;
        try {
            this.client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
        client.setTimeToWait(TIMEOUT.toMillis());
        client.setCallback(new PahoV5Collector(messages));
    }

    @Override
    public String name() {
        return "paho-v5 " + clientId;
    }

    @Override
    public void connect(boolean clean) throws Exception {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(clean);
        o.setSessionExpiryInterval(clean ? 0L : 300L);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(5);
        client.connect(o);
    }

    @Override
    public void subscribe(String filter, int qos) throws Exception {
        IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, qos)});
        int[] codes = token.getReasonCodes();
        if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
            throw new IllegalStateException("subscription refused: " + filter + " 0x" + Integer.toHexString(codes[0]));
        }
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
