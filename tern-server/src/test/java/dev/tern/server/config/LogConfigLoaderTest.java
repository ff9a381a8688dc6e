package dev.tern.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code log:} section: levels, levels by logger, format; errors name the line and the key. */
class LogConfigLoaderTest {

    private static LogConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "tern.yaml").log();
    }

    private static void fails(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void withoutTheSectionNothingIsSetAndLinesAreText() {
        assertThat(parse("")).isEqualTo(LogConfig.defaults());
        assertThat(parse("log:\n")).isEqualTo(LogConfig.defaults());
        assertThat(LogConfig.defaults().level()).isNull();
        assertThat(LogConfig.defaults().format()).isEqualTo(LogConfig.Format.TEXT);
    }

    @Test
    void everyKey() {
        LogConfig c = parse("""
                log:
                  level: WARN
                  levels: {dev.tern.core: debug, io.netty: Error, dev.tern.cli.log.LogSetup: off}
                  format: json
                """);
        assertThat(c.level()).isEqualTo("warn");
        assertThat(c.levels()).containsExactly(Map.entry("dev.tern.core", "debug"), Map.entry("io.netty", "error"),
                Map.entry("dev.tern.cli.log.LogSetup", "off"));
        assertThat(c.format()).isEqualTo(LogConfig.Format.JSON);
        assertThat(parse("log:\n  levels:\n    dev.tern: warning\n").levels()).containsEntry("dev.tern", "warn");
    }

    @Test
    void errorsNameTheLineAndTheKey() {
        fails("log:\n  level: loud\n",
                "tern.yaml:2: log.level: expected a level: trace, debug, info, warn, error, off, got 'loud'");
        fails("log:\n  format: xml\n", "tern.yaml:2: log.format: expected one of text, json, got 'xml'");
        fails("log:\n  levels: debug\n", "tern.yaml:2: log.levels: expected logger or package names with a level "
                + "each, e.g. {dev.tern.core: debug, io.netty: warn}, got 'debug'");
        fails("log:\n  levels:\n    dev.tern.core: verbose\n", "tern.yaml:3: log.levels.dev.tern.core: expected a "
                + "level: trace, debug, info, warn, error, off, got 'verbose'");
        fails("log:\n  levels:\n    dev..tern: debug\n", "tern.yaml:3: log.levels: expected a logger or package "
                + "name like dev.tern.core, got 'dev..tern'");
        fails("log:\n  levels:\n    root: debug\n", "tern.yaml:3: log.levels: expected a logger or package name "
                + "like dev.tern.core, got 'root' (set the root level with log.level)");
        fails("log:\n  levels:\n    a.b: debug\n    a.b: info\n",
                "tern.yaml:4: duplicate key 'log.levels.a.b' (first at line 3)");
        fails("log:\n  lvl: debug\n",
                "tern.yaml:2: unknown key 'log.lvl' (allowed: level, levels, format); did you mean 'level'?");
    }

    @Test
    void environmentOverrides() {
        LogConfig c = ConfigLoader.parseDocument("log:\n  level: info\n", "tern.yaml", Map.of(
                "TERN_LOG_LEVEL", "debug",
                "TERN_LOG_FORMAT", "json",
                "TERN_LOG_LEVELS", "{dev.tern.core: warn, io.netty: error}")).broker().log();
        assertThat(c.level()).isEqualTo("debug");
        assertThat(c.format()).isEqualTo(LogConfig.Format.JSON);
        assertThat(c.levels()).containsExactly(Map.entry("dev.tern.core", "warn"), Map.entry("io.netty", "error"));
        assertThatThrownBy(() -> ConfigLoader.parseDocument("", "tern.yaml", Map.of("TERN_LOG_FORMAT", "yaml")))
                .hasMessage("environment TERN_LOG_FORMAT: log.format: expected one of text, json, got 'yaml'");
    }
}
