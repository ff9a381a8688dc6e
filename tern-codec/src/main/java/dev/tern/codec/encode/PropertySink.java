package dev.tern.codec.encode;

import dev.tern.codec.packet.UserProperty;
import dev.tern.codec.wire.Binary;
import dev.tern.codec.wire.Property;
import dev.tern.codec.wire.Utf8;
import dev.tern.codec.wire.VarInt;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Where a packet's properties go: a {@link Sizer} that only counts bytes or a {@link Writer} that writes them.
 * Describing each packet's properties once against this interface keeps the computed size and the written bytes
 * in step. Null values are skipped.
 */
abstract class PropertySink {
    abstract void oneByte(Property p, int value);

    abstract void twoByte(Property p, int value);

    abstract void fourByte(Property p, long value);

    abstract void varInt(Property p, int value);

    abstract void utf8(Property p, String value);

    abstract void binary(Property p, byte[] value);

    abstract void userProperty(UserProperty up);

    final void oneByte(Property p, Integer value) {
        if (value != null) {
            oneByte(p, value.intValue());
        }
    }

    final void flag(Property p, Boolean value) {
        if (value != null) {
            oneByte(p, value ? 1 : 0);
        }
    }

    final void twoByte(Property p, Integer value) {
        if (value != null) {
            twoByte(p, value.intValue());
        }
    }

    final void fourByte(Property p, Long value) {
        if (value != null) {
            fourByte(p, value.longValue());
        }
    }

    final void optionalUtf8(Property p, String value) {
        if (value != null) {
            utf8(p, value);
        }
    }

    final void optionalBinary(Property p, byte[] value) {
        if (value != null) {
            binary(p, value);
        }
    }

    final void userProperties(List<UserProperty> ups) {
        for (int i = 0, n = ups.size(); i < n; i++) {
            userProperty(ups.get(i));
        }
    }

    /** Counts the bytes the properties take (without the property length itself). */
    static final class Sizer extends PropertySink {
        private int size;

        int size() {
            return size;
        }

        @Override
        void oneByte(Property p, int value) {
            size += 2;
        }

        @Override
        void twoByte(Property p, int value) {
            size += 3;
        }

        @Override
        void fourByte(Property p, long value) {
            size += 5;
        }

        @Override
        void varInt(Property p, int value) {
            size += 1 + VarInt.size(value);
        }

        @Override
        void utf8(Property p, String value) {
            size += 1 + Utf8.encodedLength(value);
        }

        @Override
        void binary(Property p, byte[] value) {
            size += 1 + Binary.encodedLength(value);
        }

        @Override
        void userProperty(UserProperty up) {
            size += 1 + Utf8.encodedLength(up.name()) + Utf8.encodedLength(up.value());
        }
    }

    /** Writes the properties to a buffer. */
    static final class Writer extends PropertySink {
        private final ByteBuf out;

        Writer(ByteBuf out) {
            this.out = out;
        }

        @Override
        void oneByte(Property p, int value) {
            out.writeByte(p.id());
            out.writeByte(value);
        }

        @Override
        void twoByte(Property p, int value) {
            out.writeByte(p.id());
            out.writeShort(value);
        }

        @Override
        void fourByte(Property p, long value) {
            out.writeByte(p.id());
            out.writeInt((int) value);
        }

        @Override
        void varInt(Property p, int value) {
            out.writeByte(p.id());
            VarInt.write(out, value);
        }

        @Override
        void utf8(Property p, String value) {
            out.writeByte(p.id());
            Utf8.write(out, value);
        }

        @Override
        void binary(Property p, byte[] value) {
            out.writeByte(p.id());
            Binary.write(out, value);
        }

        @Override
        void userProperty(UserProperty up) {
            out.writeByte(Property.USER_PROPERTY.id());
            Utf8.write(out, up.name());
            Utf8.write(out, up.value());
        }
    }
}
