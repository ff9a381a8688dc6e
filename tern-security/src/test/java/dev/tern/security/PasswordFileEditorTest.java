package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileEditorTest {
    @TempDir
    Path dir;

    @Test
    void putReplacesInPlaceAndKeepsEverythingElse() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# team\nalice:$6$old\n\nbob:$7$old\n");
        PasswordFileEditor e = PasswordFileEditor.open(file);
        e.put("alice", "$7$new");
        e.put("carol", "$7$c");
        assertThat(e.lines()).containsExactly("# team", "alice:$7$new", "", "bob:$7$old", "carol:$7$c");
        assertThat(e.remove("bob")).isTrue();
        assertThat(e.remove("bob")).isFalse();
        assertThat(e.contains("carol")).isTrue();
        e.writeTo(file);
        assertThat(Files.readString(file)).isEqualTo("# team\nalice:$7$new\n\ncarol:$7$c\n");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (var s = Files.list(dir)) {
            assertThat(s).containsExactly(file); // no temporary file left
        }
    }

    @Test
    void hashPlainTextSkipsHashedLinesAndComments() throws Exception {
        String hashed = PasswordFile.hash("already".getBytes(UTF_8));
        PasswordFileEditor e = PasswordFileEditor.empty();
        Path file = dir.resolve("p");
        Files.writeString(file, "# plain\nalice:in wonderland\nbob:" + hashed + "\n");
        e = PasswordFileEditor.open(file);
        int n = e.hashPlainText("p", pw -> PasswordFile.hash(pw));
        assertThat(n).isEqualTo(1);
        e.writeTo(file);
        PasswordFile f = PasswordFile.load(file);
        assertThat(f.verify("alice", "in wonderland".getBytes(UTF_8))).isTrue();
        assertThat(f.verify("bob", "already".getBytes(UTF_8))).isTrue();
        assertThat(Files.readString(file)).startsWith("# plain\n");
    }

    @Test
    void hashPlainTextNamesBadLines() throws Exception {
        Path file = dir.resolve("p");
        Files.writeString(file, "ok:pw\nnocolon\n");
        PasswordFileEditor e = PasswordFileEditor.open(file);
        assertThatThrownBy(() -> e.hashPlainText("p", PasswordFile::hash))
                .isInstanceOf(FileFormatException.class).hasMessage("p:2: expected username:password, found no ':'");
    }

    @Test
    void refusesUnwritableUsernames() {
        assertThatThrownBy(() -> PasswordFileEditor.empty().put("a:b", "$7$x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("':'");
    }
}
