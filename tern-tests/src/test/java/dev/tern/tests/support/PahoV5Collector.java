package dev.tern.tests.support;

import java.util.concurrent.BlockingQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A Paho v5 callback that puts every message it receives into a queue; other events are ignored. */
public final class PahoV5Collector implements MqttCallback {
    private final BlockingQueue<Msg> messages;

    public PahoV5Collector(BlockingQueue<Msg> messages) {
        this.messages = messages;
    }

    @Override
    public void messageArrived(String topic, MqttMessage m) {
        messages.add(new Msg(topic, m.getPayload(), m.getQos(), m.isRetained(), m.isDuplicate()));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
