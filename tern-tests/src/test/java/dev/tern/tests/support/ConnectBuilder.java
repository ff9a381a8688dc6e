package dev.tern.tests.support;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.packet.Will;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds {@link Connect} packets for the raw client; defaults: clean start, keepalive 60, no will. */
public final class ConnectBuilder {
    private final MqttVersion version;
    private final String clientId;
    private boolean cleanStart = true;
    private int keepAlive = 60;
    private Will will;
    private long sessionExpiry;
    private int receiveMaximum = 65535;
    private long maximumPacketSize;
    private int topicAliasMaximum;
    private boolean requestProblemInformation = true;
    private String authMethod;
    private byte[] authData;
    private String username;
    private byte[] password;

    private ConnectBuilder(MqttVersion version, String clientId) {
        this.version = version;
        this.clientId = clientId;
    }

    public static ConnectBuilder v5(String clientId) {
        return new ConnectBuilder(MqttVersion.V5, clientId);
    }

    public static ConnectBuilder v311(String clientId) {
        return new ConnectBuilder(MqttVersion.V3_1_1, clientId);
    }

    public static ConnectBuilder of(MqttVersion version, String clientId) {
        return new ConnectBuilder(version, clientId);
    }

    public ConnectBuilder cleanStart(boolean value) {
        cleanStart = value;
        return this;
    }

    public ConnectBuilder keepAlive(int seconds) {
        keepAlive = seconds;
        return this;
    }

    public ConnectBuilder sessionExpiry(long seconds) {
        sessionExpiry = seconds;
        return this;
    }

    public ConnectBuilder receiveMaximum(int value) {
        receiveMaximum = value;
        return this;
    }

    public ConnectBuilder maximumPacketSize(long bytes) {
        maximumPacketSize = bytes;
        return this;
    }

    public ConnectBuilder topicAliasMaximum(int value) {
        topicAliasMaximum = value;
        return this;
    }

    public ConnectBuilder requestProblemInformation(boolean value) {
        requestProblemInformation = value;
        return this;
    }

    public ConnectBuilder authMethod(String method) {
        authMethod = method;
        return this;
    }

    public ConnectBuilder authData(byte[] data) {
        authData = data;
        return this;
    }

    public ConnectBuilder will(String topic, String payload, int qos, boolean retain) {
        return will(topic, payload, qos, retain, 0, PublishProperties.EMPTY);
    }

    public ConnectBuilder will(String topic, String payload, int qos, boolean retain, long delaySeconds,
                               PublishProperties properties) {
        will = new Will(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain, delaySeconds, properties);
        return this;
    }

    public ConnectBuilder credentials(String user, String pass) {
        username = user;
        password = pass == null ? null : pass.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    public Connect build() {
        return new Connect(version, clientId, cleanStart, keepAlive, username, password, will, sessionExpiry, receiveMaximum,
                maximumPacketSize, topicAliasMaximum, false, requestProblemInformation, authMethod, authData,
                List.<UserProperty>of());
    }
}
