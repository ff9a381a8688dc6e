package dev.tern.testkit;

import dev.tern.codec.MqttVersion;
import dev.tern.codec.decode.MqttDecoder;
import dev.tern.codec.encode.MqttEncoder;
import dev.tern.codec.packet.Connack;
import dev.tern.codec.packet.Connect;
import dev.tern.codec.packet.MqttPacket;
import dev.tern.codec.packet.SubAck;
import dev.tern.codec.packet.Subscribe;
import dev.tern.codec.packet.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A blocking, single-threaded MQTT client that speaks raw bytes, for protocol edge cases that a real client
 * library will not produce (bad flags, wrong order, duplicate packets, half-sent frames).
 *
 * <p>Raw bytes are the primary API ({@link #send(byte...)}, {@link #receiveRaw(Duration)}); packets are a
 * convenience on top, encoded with {@code MqttEncoder} and decoded with {@code MqttDecoder.forClient()} for the
 * protocol version set by {@link #version(MqttVersion)} (sending a {@link Connect} sets it too).
 *
 * <pre>{@code
 * try (RawMqttClient c = RawMqttClient.connect("127.0.0.1", broker.port())) {
 *     c.send(Connect.of(MqttVersion.V5, "edge-1", true, 60));
 *     Connack ack = c.expect(Connack.class, Duration.ofSeconds(5));
 *     c.send(0xC0, 0x00);   // PINGREQ as raw bytes
 *     c.expect(PingResp.class);
 *     c.send(Connect.of(MqttVersion.V5, "edge-1", true, 60));   // a second CONNECT: protocol error
 *     assertThat(c.expect(Disconnect.class, Duration.ofSeconds(5)).reasonCode()).isEqualTo(0x82);
 *     assertThat(c.awaitClosed(Duration.ofSeconds(5))).isTrue();
 * }
 * }</pre>
 *
 * <p>Receiving never loses bytes on a timeout: what has arrived is buffered until a whole frame is there.
 */
public final class RawMqttClient implements AutoCloseable {
    /** The timeout of the overloads that take none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MqttDecoder decoder = MqttDecoder.forClient();
    private final List<byte[]> discarded = new ArrayList<>();
    private byte[] buffer = new byte[8192];
    private int buffered;
    private boolean eof;
    private MqttVersion version = MqttVersion.V5;
    private int nextPacketId = 1;

    private RawMqttClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection; sends nothing. */
    public static RawMqttClient connect(String host, int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) DEFAULT_TIMEOUT.toMillis());
            return new RawMqttClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /** Opens a TCP connection to 127.0.0.1. */
    public static RawMqttClient connect(int port) {
        return connect(TernExtension.HOST, port);
    }

    /** The protocol version used to encode and decode packets (default MQTT 5). */
    public RawMqttClient version(MqttVersion newVersion) {
        this.version = newVersion;
        return this;
    }

    public MqttVersion version() {
        return version;
    }

    /** The underlying socket, e.g. to shut down its output for a half-open test. */
    public Socket socket() {
        return socket;
    }

    // ---------------------------------------------------------------- sending

    /** Writes bytes as they are. Accepts ints so that {@code send(0x10, 0xFF)} needs no casts. */
    public RawMqttClient send(int... raw) {
        byte[] bytes = new byte[raw.length];
        for (int i = 0; i < raw.length; i++) {
            bytes[i] = (byte) raw[i];
        }
        return send(bytes);
    }

    /** Writes bytes as they are. */
    public RawMqttClient send(byte... raw) {
        try {
            out.write(raw);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("send failed (connection closed by the broker?)", e);
        }
    }

    /** Encodes a packet for the current {@link #version()} and writes it. A {@link Connect} sets the version. */
    public RawMqttClient send(MqttPacket packet) {
        if (packet instanceof Connect connect) {
            version = connect.version();
        }
        return send(packet, version);
    }

    /** Encodes a packet for {@code packetVersion} and writes it (the client's version is not changed). */
    public RawMqttClient send(MqttPacket packet, MqttVersion packetVersion) {
        return send(encode(packet, packetVersion));
    }

    /** Like {@link #send(byte...)}, but reports failure instead of throwing: false when the write failed. */
    public boolean trySend(byte... raw) {
        try {
            send(raw);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Reads one whole frame (fixed header, remaining length and body).
     *
     * @return the frame's bytes, or null when no whole frame arrived within {@code timeout}
     * @throws ConnectionClosedException when the broker closed the connection before a whole frame arrived
     */
    public byte[] receiveRaw(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] frame = takeFrame();
            if (frame != null) {
                return frame;
            }
            if (eof) {
                throw new ConnectionClosedException(buffered == 0
                        ? "the broker closed the connection"
                        : "the broker closed the connection after a partial frame: " + hex(buffer, buffered));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            fill(left);
        }
    }

    /**
     * Reads and decodes one packet.
     *
     * @return the packet, or null when none arrived within {@code timeout}
     * @throws ConnectionClosedException when the broker closed the connection first
     * @throws dev.tern.codec.MalformedPacketException when the broker sent bytes that do not decode
     */
    public MqttPacket receive(Duration timeout) {
        byte[] frame = receiveRaw(timeout);
        return frame == null ? null : decodeFrame(frame);
    }

    /** Receives the next packet and asserts that it is a {@code type}; fails on timeout and on close. */
    public <T extends MqttPacket> T expect(Class<T> type, Duration timeout) {
        MqttPacket packet;
        try {
            packet = receive(timeout);
        } catch (ConnectionClosedException e) {
            throw new AssertionError("expected " + type.getSimpleName() + " but " + e.getMessage(), e);
        }
        if (packet == null) {
            throw new AssertionError("expected " + type.getSimpleName() + " within " + timeout + " but got nothing");
        }
        if (!type.isInstance(packet)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + describe(packet));
        }
        return type.cast(packet);
    }

    /** {@link #expect(Class, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public <T extends MqttPacket> T expect(Class<T> type) {
        return expect(type, DEFAULT_TIMEOUT);
    }

    /** Asserts that no packet arrives within {@code timeout} and the connection stays open. */
    public void expectNothing(Duration timeout) {
        MqttPacket packet;
        try {
            packet = receive(timeout);
        } catch (ConnectionClosedException e) {
            throw new AssertionError("expected nothing but " + e.getMessage(), e);
        }
        if (packet != null) {
            throw new AssertionError("expected nothing within " + timeout + " but got " + describe(packet));
        }
    }

    /**
     * Waits until the broker closes the connection. Frames that arrive meanwhile are dropped (see
     * {@link #discarded()}).
     *
     * @return true when the broker closed the connection (FIN or reset) within {@code timeout}
     */
    public boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] frame;
            while ((frame = takeFrame()) != null) {
                discarded.add(frame);
            }
            if (eof) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            fill(left);
        }
    }

    /** True once a read has seen the broker close the connection. */
    public boolean isClosedByBroker() {
        return eof;
    }

    /** Frames dropped by {@link #awaitClosed(Duration)}, in arrival order. */
    public List<byte[]> discarded() {
        return List.copyOf(discarded);
    }

    // ---------------------------------------------------------------- conveniences

    /** Sends {@code connect} and expects a CONNACK (of any reason code). */
    public Connack handshake(Connect connect) {
        send(connect);
        return expect(Connack.class);
    }

    /** A fresh packet identifier (1, 2, ... wrapping before 65536). */
    public int nextPacketId() {
        int id = nextPacketId;
        nextPacketId = id == 65535 ? 1 : id + 1;
        return id;
    }

    /** Subscribes to one filter with default options and expects the SUBACK. */
    public SubAck subscribe(String topicFilter, int qos) {
        return subscribe(Subscription.of(topicFilter, qos));
    }

    /** Sends one SUBSCRIBE with these subscriptions (no subscription identifier) and expects the SUBACK. */
    public SubAck subscribe(Subscription... subscriptions) {
        send(new Subscribe(nextPacketId(), null, List.of(), List.of(subscriptions)));
        return expect(SubAck.class);
    }

    /** Closes the socket (no DISCONNECT is sent: send one first for a normal disconnection). */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    // ---------------------------------------------------------------- codec helpers

    /** The bytes of {@code packet} encoded for {@code packetVersion}, to send as they are or after a change. */
    public static byte[] encode(MqttPacket packet, MqttVersion packetVersion) {
        ByteBuf buf = MqttEncoder.encode(UnpooledByteBufAllocator.DEFAULT, packet, packetVersion);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes one whole frame as the broker would have sent it to a client of {@code frameVersion}. */
    public static MqttPacket decode(byte[] frame, MqttVersion frameVersion) {
        return decode(MqttDecoder.forClient(), frame, frameVersion);
    }

    private MqttPacket decodeFrame(byte[] frame) {
        return decode(decoder, frame, version);
    }

    private static MqttPacket decode(MqttDecoder decoder, byte[] frame, MqttVersion frameVersion) {
        int headerLength = 1;
        while ((frame[headerLength] & 0x80) != 0) {
            headerLength++;
        }
        headerLength++;
        ByteBuf body = Unpooled.wrappedBuffer(frame, headerLength, frame.length - headerLength);
        try {
            return decoder.decode(frame[0] & 0xFF, body, frameVersion);
        } finally {
            body.release();
        }
    }

    /** Lower-case hex of bytes, for messages. */
    public static String hex(byte[] bytes) {
        return hex(bytes, bytes.length);
    }

    // ---------------------------------------------------------------- internals

    /** Removes one complete frame from the buffer, or returns null when none is complete yet. */
    private byte[] takeFrame() {
        if (buffered < 2) {
            return null;
        }
        int remaining = 0;
        int index = 1;
        for (int shift = 0; ; shift += 7) {
            if (index >= buffered) {
                return null;
            }
            if (index > 4) {
                throw new AssertionError("the broker sent a remaining length longer than 4 bytes: "
                        + hex(buffer, buffered));
            }
            int b = buffer[index++] & 0xFF;
            remaining |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        int total = index + remaining;
        if (buffered < total) {
            return null;
        }
        byte[] frame = Arrays.copyOf(buffer, total);
        System.arraycopy(buffer, total, buffer, 0, buffered - total);
        buffered -= total;
        return frame;
    }

    /** Reads what is available, waiting at most {@code nanos}. */
    private void fill(long nanos) {
        if (buffered == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, nanos / 1_000_000)));
            int n = in.read(buffer, buffered, buffer.length - buffered);
            if (n < 0) {
                eof = true;
            } else {
                buffered += n;
            }
        } catch (SocketTimeoutException e) {
            // nothing within the time: the caller checks its deadline
        } catch (SocketException e) {
            // connection reset, or closed by us
            eof = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describe(MqttPacket packet) {
        return packet.getClass().getSimpleName() + " " + packet;
    }

    private static String hex(byte[] bytes, int length) {
        return HexFormat.of().formatHex(bytes, 0, Math.min(length, 64)) + (length > 64 ? "..." : "");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Thrown by receive methods when the broker closed the connection. */
    public static final class ConnectionClosedException extends RuntimeException {
        public ConnectionClosedException(String message) {
            super(message);
        }
    }
}
