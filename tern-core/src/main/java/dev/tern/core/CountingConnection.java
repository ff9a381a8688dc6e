package dev.tern.core;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.packet.MqttPacket;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;

/**
 * The send point of a connection, counted: wraps the transport's {@link Connection} so that every packet the core
 * sends is counted in {@link BrokerStats} (packets, bytes, PUBLISH by QoS, CONNACK by reason code). Delegates
 * every method of {@link Connection}; a test checks that none is left to an interface default.
 */
final class CountingConnection implements Connection {
    private final Connection delegate;
    private final BrokerStats stats;

    CountingConnection(Connection delegate, BrokerStats stats) {
        this.delegate = delegate;
        this.stats = stats;
    }

    @Override
    public void send(MqttPacket packet) {
        stats.sent(packet, delegate.encodedSize(packet));
        delegate.send(packet);
    }

    @Override
    public void sendAndClose(MqttPacket packet) {
        stats.sent(packet, delegate.encodedSize(packet));
        delegate.sendAndClose(packet);
    }

    @Override
    public byte[] encode(MqttPacket packet) {
        return delegate.encode(packet);
    }

    @Override
    public void sendFrame(byte[] frame, int qos) {
        stats.sentPublishFrame(qos, frame.length);
        delegate.sendFrame(frame, qos);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public boolean isWritable() {
        return delegate.isWritable();
    }

    @Override
    public void pauseReading() {
        delegate.pauseReading();
    }

    @Override
    public void resumeReading() {
        delegate.resumeReading();
    }

    @Override
    public void setVersion(MqttVersion version) {
        delegate.setVersion(version);
    }

    @Override
    public int encodedSize(MqttPacket packet) {
        return delegate.encodedSize(packet);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public String listener() {
        return delegate.listener();
    }

    @Override
    public void moveTo(EventExecutor loop, Runnable then) {
        delegate.moveTo(loop, then);
    }

    @Override
    public String certificateIdentity() {
        return delegate.certificateIdentity();
    }
}
