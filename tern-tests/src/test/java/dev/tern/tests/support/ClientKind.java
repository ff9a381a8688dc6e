package dev.tern.tests.support;

/** The real client libraries the integration tests run against, with the protocol version each speaks. */
public enum ClientKind {
    /** Paho speaking MQTT 3.1 (protocol name MQIsdp, level 3); client ids of at most 23 characters. */
    PAHO_V31 {
        @Override
        public TestClient create(int port, String clientId) {
            return new PahoV3Client(port, clientId, org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1);
        }
    },
    PAHO_V3 {
        @Override
        public TestClient create(int port, String clientId) {
            return new PahoV3Client(port, clientId);
        }
    },
    PAHO_V5 {
        @Override
        public TestClient create(int port, String clientId) {
            return new PahoV5Client(port, clientId);
        }
    },
    HIVEMQ_V3 {
        @Override
        public TestClient create(int port, String clientId) {
            return new HiveMqClient(port, clientId, false);
        }
    },
    HIVEMQ_V5 {
        @Override
        public TestClient create(int port, String clientId) {
            return new HiveMqClient(port, clientId, true);
        }
    };

    public abstract TestClient create(int port, String clientId);

    /** Creates and connects with a clean session. */
    public TestClient connected(int port, String clientId) throws Exception {
        TestClient c = create(port, clientId);
        try {
            c.connect(true);
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }
}
