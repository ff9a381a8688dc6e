package dev.tern.storage.kv;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Key formats. A client key is the client id's UTF-8 length (2 bytes) then its bytes, so prefixes never collide. */
public final class Keys {
    public static final byte[] EMPTY = new byte[0];
    public static final byte[] FORMAT_VERSION = "format-version".getBytes(StandardCharsets.UTF_8);
    /**
     * Every message id handed out so far is below it. Needed because a message an entry holds
     * ({@link Records#ENTRY_WITH_MESSAGE_V1}) is not in the messages table, whose last key gave the next id before.
     */
    public static final byte[] MESSAGE_ID_FLOOR = "message-id-floor".getBytes(StandardCharsets.UTF_8);
    static final byte HOLDER_QUEUE = 1;
    static final byte HOLDER_RETAINED = 2;
    static final byte EXPIRY_SESSION = 'S';
    static final byte EXPIRY_MESSAGE = 'M';

    private Keys() {
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** Length-prefixed client id: the prefix of a client's entries in tables keyed by client and something. */
    public static byte[] client(String clientId) {
        byte[] id = utf8(clientId);
        if (id.length > 0xFFFF) {
            throw new IllegalArgumentException("client id longer than 65535 bytes");
        }
        return ByteBuffer.allocate(2 + id.length).putShort((short) id.length).put(id).array();
    }

    /** Length of the client key at the start of {@code key}. */
    static int clientKeyLength(byte[] key) {
        return 2 + (((key[0] & 0xFF) << 8) | (key[1] & 0xFF));
    }

    static String clientOf(byte[] key) {
        return string(key, 2, clientKeyLength(key));
    }

    public static byte[] session(String clientId) {
        return utf8(clientId);
    }

    public static byte[] subscription(String clientId, String topicFilter) {
        return concat(client(clientId), utf8(topicFilter));
    }

    public static byte[] queue(String clientId, long seq) {
        byte[] c = client(clientId);
        return ByteBuffer.allocate(c.length + 8).put(c).putLong(seq).array();
    }

    static long seqOfQueueKey(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
    }

    public static byte[] message(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    static long messageIdOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, 8).getLong();
    }

    static byte[] queueHolder(long messageId, String clientId, long seq) {
        byte[] q = queue(clientId, seq);
        return ByteBuffer.allocate(9 + q.length).putLong(messageId).put(HOLDER_QUEUE).put(q).array();
    }

    static byte[] retainedHolder(long messageId, String topic) {
        byte[] t = utf8(topic);
        return ByteBuffer.allocate(9 + t.length).putLong(messageId).put(HOLDER_RETAINED).put(t).array();
    }

    public static byte[] inbound(String clientId, int packetId) {
        byte[] c = client(clientId);
        return ByteBuffer.allocate(c.length + 2).put(c).putShort((short) packetId).array();
    }

    static int packetIdOfInboundKey(byte[] key) {
        return ((key[key.length - 2] & 0xFF) << 8) | (key[key.length - 1] & 0xFF);
    }

    static byte[] sessionExpiry(long atMillis, String clientId) {
        byte[] c = utf8(clientId);
        return ByteBuffer.allocate(9 + c.length).put(EXPIRY_SESSION).putLong(atMillis).put(c).array();
    }

    static byte[] messageExpiry(long atMillis, long messageId) {
        return ByteBuffer.allocate(17).put(EXPIRY_MESSAGE).putLong(atMillis).putLong(messageId).array();
    }

    static long expiryTimeOf(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
