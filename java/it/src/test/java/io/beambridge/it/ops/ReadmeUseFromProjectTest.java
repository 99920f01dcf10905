package io.beambridge.it.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from your Java project" is the example project {@code examples/greeter}, which
 * {@code make test} builds and tests from the installed artifacts: every XML block of the section
 * is in the example's pom, every Java line in its sources, and the example is no module of the
 * reactor (no parent).
 */
class ReadmeUseFromProjectTest {
    static final Path ROOT = Path.of(System.getProperty("beambridge.project.dir", "../.."));
    static final Path EXAMPLE = ROOT.resolve("examples/greeter");

    static String section() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Use it from your Java project");
        assertTrue(start >= 0, "README.md has no section \"Use it from your Java project\"");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    static List<String[]> blocks(String text) {
        List<String[]> l = new ArrayList<>();
        Matcher m = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (m.find()) {
            l.add(new String[] {m.group(1), m.group(2)});
        }
        return l;
    }

    static String squeeze(String s) {
        return s.replaceAll("<!--.*?-->", " ").replaceAll("\\s+", " ").replace("> <", "><").strip();
    }

    @Test
    void theSectionIsTheExampleProject() throws IOException {
        String pom = Files.readString(EXAMPLE.resolve("pom.xml"));
        assertFalse(pom.contains("<parent>"), "the example is a project of its own, not a module of the reactor");
        StringBuilder sources = new StringBuilder();
        try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    sources.append(line.strip()).append('\n');
                }
            }
        }
        int xml = 0;
        int java = 0;
        for (String[] b : blocks(section())) {
            if (b[0].equals("xml")) {
                xml++;
                assertTrue(squeeze(pom).contains(squeeze(b[1])), "not in examples/greeter/pom.xml:\n" + b[1]);
            } else if (b[0].equals("java")) {
                java++;
                for (String line : b[1].split("\n")) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.equals("...") && !l.startsWith("//")) {
                        assertTrue(sources.toString().contains(l + "\n"), "not in examples/greeter's sources: " + l);
                    }
                }
            }
        }
        assertTrue(xml >= 3, "the coordinates, the SLF4J binding and the argLine are shown");
        assertTrue(java >= 1, "the GenServer is shown");
    }
}
