package dev.tern.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingFileTest {
    @TempDir
    Path dir;

    private static void write(Path file, String text) throws Exception {
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, text);
        // make the change visible to mtime polling even on coarse-grained file systems
        if (before != null) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 10_000));
        }
    }

    @Test
    void reloadSwapsInTheNewContent() throws Exception {
        Path acl = dir.resolve("acl");
        write(acl, "topic read a\n");
        ReloadingFile<AclFile> f = ReloadingFile.aclFile(acl);
        assertThat(f.get().canRead("c", null, "a")).isTrue();
        write(acl, "topic read b\n");
        assertThat(f.reload()).isEmpty();
        assertThat(f.get().canRead("c", null, "a")).isFalse();
        assertThat(f.get().canRead("c", null, "b")).isTrue();
    }

    @Test
    void aBadFileKeepsTheOldValueAndSaysWhy() throws Exception {
        Path pw = dir.resolve("passwd");
        write(pw, "u:" + PasswordFile.hash("p".getBytes(UTF_8)) + "\n");
        ReloadingFile<PasswordFile> f = ReloadingFile.passwordFile(pw);
        PasswordFile before = f.get();
        write(pw, "# edited\nu:hunter2\n");
        Optional<String> error = f.reload();
        assertThat(error).hasValueSatisfying(m -> assertThat(m)
                .contains(pw.toString() + ":2:", "not a supported password hash", "keeping the previous version")
                .doesNotContain("hunter2"));
        assertThat(f.get()).isSameAs(before);
        assertThat(f.get().verify("u", "p".getBytes(UTF_8))).isTrue();

        Files.delete(pw);
        assertThat(f.reload()).hasValueSatisfying(m -> assertThat(m).contains("file not found"));
        assertThat(f.get()).isSameAs(before);
    }

    @Test
    void theFirstLoadFailsLoudly() throws Exception {
        Path acl = dir.resolve("acl");
        write(acl, "topic reed a\n");
        assertThatThrownBy(() -> ReloadingFile.aclFile(acl)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining(":1: unknown access 'reed'");
    }

    @Test
    void watcherReloadsWhenTheFileChanges() throws Exception {
        Path acl = dir.resolve("acl");
        write(acl, "topic read a\n");
        ReloadingFile<AclFile> f = ReloadingFile.aclFile(acl);
        List<Optional<String>> outcomes = new CopyOnWriteArrayList<>();
        try (ReloadingFile<AclFile>.Watcher w = f.watch(Duration.ofMillis(50), (file, error) -> outcomes.add(error))) {
            write(acl, "topic read b\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> f.get().canRead("c", null, "b"));
            assertThat(outcomes).contains(Optional.empty());

            write(acl, "bogus line\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.stream().anyMatch(Optional::isPresent));
            assertThat(f.get().canRead("c", null, "b")).isTrue();

            // replaced by a rename, as editors and config tools do
            Path tmp = dir.resolve("acl.new");
            Files.writeString(tmp, "topic read c\n");
            Files.move(tmp, acl, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(acl, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            await().atMost(Duration.ofSeconds(10)).until(() -> f.get().canRead("c", null, "c"));
        }
    }

    @Test
    void aSighupStyleReloadWorksWithAnyParser() throws Exception {
        Path file = dir.resolve("n");
        write(file, "1");
        ReloadingFile<Integer> f = ReloadingFile.load(file, p -> Integer.parseInt(Files.readString(p).strip()));
        write(file, "2");
        assertThat(f.reload()).isEmpty();
        assertThat(f.get()).isEqualTo(2);
        write(file, "two");
        assertThat(f.reload()).hasValueSatisfying(m -> assertThat(m).contains("NumberFormatException"));
        assertThat(f.get()).isEqualTo(2);
    }
}
