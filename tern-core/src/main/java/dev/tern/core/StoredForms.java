package dev.tern.core;

import dev.tern.codec.packet.PublishProperties;
import dev.tern.codec.packet.UserProperty;
import dev.tern.spi.storage.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the core turns its messages into the store's records and back: the MQTT 5 PUBLISH properties and a pending
 * will are opaque blobs to the store (see {@link StoredMessage#properties()}), written here in a small versioned
 * binary form of their own (not the wire format: nothing here is ever sent).
 */
final class StoredForms {
    private static final int PROPERTIES_V1 = 1;
    private static final int WILL_V1 = 1;
    private static final byte[] NONE = new byte[0];

    private StoredForms() {
    }

    /** The stored form of a message, under the id it was given. */
    static StoredMessage toStored(Message m, long id) {
        return new StoredMessage(id, m.topic(), m.payload(), m.qos(), m.retain(), properties(m.properties()),
                m.publisherId(), m.expiresAtMillis());
    }

    /** A message read back from the store; it keeps its id, so referencing it again needs no new copy. */
    static Message fromStored(StoredMessage s) {
        Message m = new Message(s.topic(), s.payload(), s.qos(), s.retain(), properties(s.properties()),
                s.publisherId(), s.expiresAtMillis());
        m.markStored(s.id());
        return m;
    }

    static byte[] properties(PublishProperties p) {
        if (p == null || p.isEmpty()) {
            return NONE;
        }
        return write(out -> {
            out.writeByte(PROPERTIES_V1);
            int flags = (p.payloadFormatIndicator() != null ? 1 : 0) | (p.messageExpiryInterval() != null ? 2 : 0)
                    | (p.responseTopic() != null ? 4 : 0) | (p.correlationData() != null ? 8 : 0)
                    | (p.contentType() != null ? 16 : 0);
            out.writeByte(flags);
            if (p.payloadFormatIndicator() != null) {
                out.writeByte(p.payloadFormatIndicator());
            }
            if (p.messageExpiryInterval() != null) {
                out.writeLong(p.messageExpiryInterval());
            }
            if (p.responseTopic() != null) {
                out.writeUTF(p.responseTopic());
            }
            if (p.correlationData() != null) {
                writeBytes(out, p.correlationData());
            }
            if (p.contentType() != null) {
                out.writeUTF(p.contentType());
            }
            out.writeShort(p.userProperties().size());
            for (UserProperty u : p.userProperties()) {
                out.writeUTF(u.name());
                out.writeUTF(u.value());
            }
        });
    }

    static PublishProperties properties(byte[] blob) {
        if (blob == null || blob.length == 0) {
            return PublishProperties.EMPTY;
        }
        return read(blob, in -> {
            int version = in.readUnsignedByte();
            if (version != PROPERTIES_V1) {
                throw new IOException("unknown stored properties version " + version);
            }
            return readProperties(in);
        });
    }

    private static PublishProperties readProperties(DataInputStream in) throws IOException {
        int flags = in.readUnsignedByte();
        Integer format = (flags & 1) != 0 ? in.readUnsignedByte() : null;
        Long expiry = (flags & 2) != 0 ? in.readLong() : null;
        String responseTopic = (flags & 4) != 0 ? in.readUTF() : null;
        byte[] correlation = (flags & 8) != 0 ? readBytes(in) : null;
        String contentType = (flags & 16) != 0 ? in.readUTF() : null;
        int n = in.readUnsignedShort();
        List<UserProperty> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add(new UserProperty(in.readUTF(), in.readUTF()));
        }
        return new PublishProperties(format, expiry, null, responseTopic, correlation, contentType, List.of(),
                users);
    }

    /** A will waiting for its delay, as the store keeps it. */
    static byte[] will(Message will) {
        return write(out -> {
            out.writeByte(WILL_V1);
            out.writeUTF(will.topic());
            writeBytes(out, will.payload());
            out.writeByte(will.qos());
            out.writeBoolean(will.retain());
            out.writeLong(will.expiresAtMillis());
            writeBytes(out, properties(will.properties()));
        });
    }

    static Message will(byte[] blob, String clientId) {
        return read(blob, in -> {
            int version = in.readUnsignedByte();
            if (version != WILL_V1) {
                throw new IOException("unknown stored will version " + version);
            }
            String topic = in.readUTF();
            byte[] payload = readBytes(in);
            int qos = in.readUnsignedByte();
            boolean retain = in.readBoolean();
            long expiresAt = in.readLong();
            PublishProperties props = properties(readBytes(in));
            return new Message(topic, payload, qos, retain, props, clientId, expiresAt);
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] blob, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
            return r.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("damaged stored record: " + e.getMessage(), e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 268_435_455) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
