package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTokenFileTest {
    @TempDir
    Path dir;

    @Test
    void createsOnceThenReadsTheSameToken() {
        HttpTokenFile.Token first = HttpTokenFile.readOrCreate(dir.resolve("new-folder"));
        assertThat(first.created()).isTrue();
        HttpTokenFile.Token again = HttpTokenFile.readOrCreate(dir.resolve("new-folder"));
        assertThat(again.created()).isFalse();
        assertThat(again.value()).isEqualTo(first.value()).hasSize(64);
        assertThat(HttpTokenFile.readOrCreate(dir.resolve("other")).value()).isNotEqualTo(first.value());
    }

    @Test
    void aFileWithoutAUsableTokenIsRefusedNamingIt() throws Exception {
        Files.writeString(dir.resolve("http-token"), "short\n");
        assertThatThrownBy(() -> HttpTokenFile.readOrCreate(dir))
                .hasMessageContaining(dir.resolve("http-token").toString())
                .hasMessageContaining("delete it");
        Files.writeString(dir.resolve("http-token"), "a token with spaces in it\n");
        assertThatThrownBy(() -> HttpTokenFile.readOrCreate(dir)).hasMessageContaining("no spaces");
    }
}
