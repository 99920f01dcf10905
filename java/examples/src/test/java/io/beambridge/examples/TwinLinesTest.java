package io.beambridge.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each example server is at most twice as long as its Elixir twin. Lines are counted as a
 * reader sees code: blank lines, comments (Java {@code //}, {@code /*}, javadoc; Elixir
 * {@code #}) and Java's {@code package} and {@code import} lines do not count.
 */
class TwinLinesTest {
    static final Path JAVA = Path.of("src/main/java/io/beambridge/examples");
    static final Path ELIXIR = Path.of("src/main/elixir");

    @ParameterizedTest(name = "{0}.java <= 2 x {1}")
    @CsvSource({"Stack, stack.ex", "HelloServer, hello_server.ex", "Counter, counter.ex", "Inventory, inventory.ex"})
    void aJavaServerIsAtMostTwiceItsElixirTwin(String javaClass, String elixirFile) throws IOException {
        long java = javaLines(Files.readAllLines(JAVA.resolve(javaClass + ".java")));
        long elixir = elixirLines(Files.readAllLines(ELIXIR.resolve(elixirFile)));
        System.out.printf("%s: %d lines of Java, %d of Elixir (%.2fx)%n", javaClass, java, elixir, (double) java / elixir);
        assertTrue(elixir > 10, elixirFile + " is a whole module");
        assertTrue(java <= 2 * elixir, javaClass + ": " + java + " lines of Java against " + elixir + " of Elixir");
    }

    static long javaLines(List<String> lines) {
        long n = 0;
        boolean inComment = false;
        for (String raw : lines) {
            String l = raw.strip();
            if (inComment) {
                inComment = !l.contains("*/");
                continue;
            }
            if (l.startsWith("/*")) {
                inComment = !l.contains("*/");
                continue;
            }
            if (l.isEmpty() || l.startsWith("//") || l.startsWith("package ") || l.startsWith("import ")) {
                continue;
            }
            n++;
        }
        return n;
    }

    static long elixirLines(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    }
}
