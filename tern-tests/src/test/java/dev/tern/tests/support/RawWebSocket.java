package dev.tern.tests.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written down to the bytes (RFC 6455), for what real clients never do: split an MQTT packet
 * over frames, put several packets in one frame, send a text frame, ask for the wrong path or subprotocol. Frames
 * it sends are masked, as a client's must be. It reads the broker's binary frames as one byte stream and cuts MQTT
 * packets out of it by their remaining length, so a test does not depend on how the broker groups its packets
 * into frames.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    /** MQTT bytes received in binary frames and not yet returned as a packet. */
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private Frame closeFrame;

    /** One frame from the broker. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        /** The status code of a close frame, or -1 when it has none. */
        public int closeStatus() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    /** Wraps a connected socket (plain, or an SSLSocket); nothing is sent yet. */
    public RawWebSocket(Socket socket, Duration timeout) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) timeout.toMillis());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port. */
    public static RawWebSocket connect(int port) throws IOException {
        return new RawWebSocket(new Socket("127.0.0.1", port), Raw.TIMEOUT);
    }

    /** Connects and upgrades; fails unless the broker answers 101. */
    public static RawWebSocket open(int port, String path, String subprotocols) throws IOException {
        RawWebSocket ws = connect(port);
        int code = ws.upgrade(path, subprotocols);
        if (code != 101) {
            ws.close();
            throw new AssertionError("WebSocket upgrade answered " + code);
        }
        return ws;
    }

    /**
     * Sends the upgrade request and reads the answer's status line and headers.
     *
     * @param subprotocols the Sec-WebSocket-Protocol header, e.g. "mqtt"; null sends none
     * @return the HTTP status, 101 when switched to WebSocket
     */
    public int upgrade(String path, String subprotocols) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (subprotocols != null) {
            request.append("Sec-WebSocket-Protocol: ").append(subprotocols).append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        status = Integer.parseInt(parts[1]);
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (status == 101 && !accept(key).equals(headers.get("sec-websocket-accept"))) {
            throw new AssertionError("wrong Sec-WebSocket-Accept: " + headers);
        }
        return status;
    }

    /** A header of the upgrade answer (name in any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public int status() {
        return status;
    }

    /** The rest of the HTTP answer after its headers (e.g. the text of a 404), up to the close. */
    public String body() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("closed by the broker during the HTTP answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one complete binary frame holding {@code payload}. */
    public RawWebSocket sendBinary(byte[] payload) throws IOException {
        return sendFrame(true, BINARY, payload);
    }

    /** Sends one frame, masked. */
    public RawWebSocket sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            frame.write(0x80 | n);
        } else if (n < 65536) {
            frame.write(0x80 | 126);
            frame.write(n >>> 8);
            frame.write(n);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) n >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < n; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
        return this;
    }

    /** Reads the next frame; throws {@link EOFException} when the broker closed the connection. */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new AssertionError("the broker sent a masked frame");
        }
        long n = b1 & 0x7F;
        if (n == 126) {
            n = ((long) readByte() << 8) | readByte();
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) n);
        if (payload.length < n) {
            throw new EOFException("closed by the broker within a frame");
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("closed by the broker");
        }
        return b;
    }

    /**
     * The next MQTT packet from the broker, whole, however the broker framed it. Answers pings; a close frame or
     * the end of the connection throws {@link EOFException}.
     */
    public byte[] readPacket() throws IOException {
        while (true) {
            byte[] packet = cutPacket();
            if (packet != null) {
                return packet;
            }
            Frame f = readFrame();
            switch (f.opcode()) {
                case BINARY, CONTINUATION -> stream.write(f.payload());
                case PING -> sendFrame(true, PONG, f.payload());
                case CLOSE -> {
                    closeFrame = f;
                    throw new EOFException("close frame from the broker, status " + f.closeStatus());
                }
                default -> throw new AssertionError("unexpected frame opcode " + f.opcode());
            }
        }
    }

    /** A whole packet from the front of {@link #stream}, or null when not all of it is there yet. */
    private byte[] cutPacket() {
        byte[] bytes = stream.toByteArray();
        if (bytes.length < 2) {
            return null;
        }
        int length = 0;
        int i = 1;
        for (int shift = 0; ; shift += 7, i++) {
            if (i >= bytes.length) {
                return null;
            }
            length |= (bytes[i] & 0x7F) << shift;
            if ((bytes[i] & 0x80) == 0) {
                break;
            }
        }
        int total = i + 1 + length;
        if (bytes.length < total) {
            return null;
        }
        byte[] packet = java.util.Arrays.copyOf(bytes, total);
        stream.reset();
        stream.write(bytes, total, bytes.length - total);
        return packet;
    }

    /**
     * Reads until the broker ends the connection: returns its close frame (null if it closed the socket without
     * one). Fails if the connection is still open after the socket timeout.
     */
    public Frame awaitClose() throws IOException {
        try {
            while (true) {
                Frame f = readFrame();
                if (f.opcode() == CLOSE) {
                    closeFrame = f;
                    // the broker closes the TCP connection after its close frame
                    while (in.read() >= 0) {
                        // drain
                    }
                    return closeFrame;
                }
            }
        } catch (EOFException e) {
            return closeFrame;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker did not close the connection", e);
        } catch (java.net.SocketException e) {
            return closeFrame; // reset by the broker
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
