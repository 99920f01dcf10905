package io.beambridge.erlang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtpApplicationTest {

    @Test
    void itCarriesTheSourcesTheBeamsAndTheAppFileButNotTheTests() {
        List<String> files = OtpApplication.files();
        assertTrue(files.containsAll(List.of("rebar.config", "src/beambridge.app.src",
                "src/beambridge_registry.erl", "ebin/beambridge.app", "ebin/beambridge_registry.beam")), files.toString());
        assertTrue(files.stream().noneMatch(f -> f.startsWith("test/")), files.toString());
        // every module has its beam
        files.stream().filter(f -> f.startsWith("src/") && f.endsWith(".erl"))
                .map(f -> "ebin/" + f.substring(4, f.length() - 4) + ".beam")
                .forEach(beam -> assertTrue(files.contains(beam), beam + " in " + files));
    }

    @Test
    void aRealErlLoadsTheCopiedApplication(@TempDir Path dir) throws Exception {
        Path app = OtpApplication.copyTo(dir);
        assertEquals(dir.resolve("beambridge"), app);
        String out = run("erl", "-noshell", "-pa", app.resolve("ebin").toString(), "-eval", """
                ok = application:load(beambridge),
                {ok, Mods} = application:get_key(beambridge, modules),
                [{module, _} = code:ensure_loaded(M) || M <- Mods],
                io:format("~p ~s~n", [lists:sort(Mods), code:which(beambridge_registry)]),
                halt().""");
        assertEquals("[beambridge,beambridge_registry] " + app.resolve("ebin/beambridge_registry.beam"), out.strip());
    }

    @Test
    void copyingFromTheJarGivesTheSameFilesAsFromTheClassesDirectory(@TempDir Path dir) throws Exception {
        Path classes = Path.of(OtpApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes), "the test runs from the classes directory: " + classes);
        Path jar = dir.resolve("beambridge-erlang.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        Path fromDir = OtpApplication.copyTo(dir.resolve("from-dir"));
        Path fromJar;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> c = loader.loadClass(OtpApplication.class.getName());
            assertTrue(c != OtpApplication.class);
            fromJar = (Path) c.getMethod("copyTo", Path.class).invoke(null, dir.resolve("from-jar"));
        }
        List<String> files = OtpApplication.files();
        assertEquals(files, list(fromJar));
        assertEquals(files, list(fromDir));
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(fromDir.resolve(f)), Files.readAllBytes(fromJar.resolve(f)), f);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readAllBytes(); // until erl halts
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "erl ended");
            assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
    }
}
