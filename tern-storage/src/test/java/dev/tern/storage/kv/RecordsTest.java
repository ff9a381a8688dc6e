package dev.tern.storage.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RecordsTest {
    @Test
    void referenceCountsKeepTheirFlags() {
        Records.Refs r = new Records.Refs(3, 1234, 64, false, true);
        assertThat(Records.decodeRefs(Records.encodeRefs(r))).isEqualTo(r);
        Records.Refs s = new Records.Refs(0, 0, 1, true, false);
        assertThat(Records.decodeRefs(Records.encodeRefs(s))).isEqualTo(s);
    }

    @Test
    void countsWrittenBeforeTheFlagsReadAsTrackingHoldersAndMarkedWhileUnreferenced() {
        byte[] v1Referenced = ByteBuffer.allocate(17).put(Records.V1).putInt(2).putLong(99).putInt(64).array();
        assertThat(Records.decodeRefs(v1Referenced)).isEqualTo(new Records.Refs(2, 99, 64, true, false));
        byte[] v1Unreferenced = ByteBuffer.allocate(17).put(Records.V1).putInt(0).putLong(0).putInt(8).array();
        assertThat(Records.decodeRefs(v1Unreferenced)).isEqualTo(new Records.Refs(0, 0, 8, true, true));
    }
}
