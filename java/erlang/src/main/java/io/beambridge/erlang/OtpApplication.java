package io.beambridge.erlang;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code beambridge} OTP application — the {@code beambridge_registry} via module that
 * BEAM nodes use to reach a Java {@code Registry}, and {@code beambridge}, which makes a Java
 * server the child of an Erlang or Elixir supervisor — as this jar carries it, so that a
 * Java project can put it on a BEAM node's code path, or give it to a mix or rebar3
 * project, without a checkout of the beambridge repository.
 *
 * <p>The jar holds, under {@value #RESOURCE_DIR}/, the repository's
 * {@code erlang/beambridge/src/} and {@code rebar.config}, and {@code ebin/}: the
 * {@code .beam} files and {@code beambridge.app} as {@code rebar3 compile} made them on
 * the machine that built the jar (OTP 25 here; a BEAM loads beams of up to two major
 * releases back, so OTP 25 to 27 load them; a mix or rebar3 project compiles the sources
 * with its own OTP anyway). {@link #copyTo(Path)} writes them out as
 * <pre>
 *   DIR/beambridge/ebin/beambridge.app, beambridge.beam, beambridge_registry.beam
 *   DIR/beambridge/src/beambridge.app.src, beambridge.erl, beambridge_registry.erl
 *   DIR/beambridge/rebar.config
 * </pre>
 * Then: {@code erl -pa DIR/beambridge/ebin}, {@code elixir -pa DIR/beambridge/ebin}; in a
 * mix project {@code {:beambridge, path: "DIR/beambridge"}} (compiled by rebar3:
 * {@code MIX_REBAR3}); in a rebar3 project {@code {deps, [beambridge]}} with
 * {@code DIR/beambridge} copied or linked to {@code _checkouts/beambridge}.
 *
 * <p>Works whether the class is loaded from this jar, from a jar that contains it
 * (a shaded jar keeps the resource paths) or from a classes directory.
 */
public final class OtpApplication {
    /** The application's name, and the name of the directory {@link #copyTo} makes. */
    public static final String NAME = "beambridge";

    /** Where the application lies in the jar. */
    public static final String RESOURCE_DIR = "io/beambridge/erlang/beambridge";

    private OtpApplication() {}

    /**
     * Copies the application into {@code dir/beambridge} ({@code ebin/}, {@code src/},
     * {@code rebar.config}), creating directories as needed and replacing files that
     * exist; other files there are left alone.
     *
     * @return {@code dir/beambridge}
     * @throws IOException when the files cannot be read from the jar or written
     * @throws IllegalStateException when the class was loaded without the application's
     *     files next to it (a jar built without {@code rebar3 compile})
     */
    public static Path copyTo(Path dir) throws IOException {
        Path target = dir.resolve(NAME);
        withRoot(root -> {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(root.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return null;
        });
        return target;
    }

    /**
     * The application's files, as paths relative to its directory with {@code /}
     * separators ({@code ebin/beambridge.app}, {@code src/beambridge_registry.erl}, ...),
     * sorted.
     */
    public static List<String> files() {
        try {
            return withRoot(root -> {
                List<String> names = new ArrayList<>();
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(Files::isRegularFile)
                            .forEach(f -> names.add(root.relativize(f).toString().replace('\\', '/')));
                }
                names.sort(null);
                return names;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface RootAction<T> {
        T apply(Path root) throws IOException;
    }

    /** Runs {@code action} on the application's directory inside the jar (or classes directory). */
    private static <T> T withRoot(RootAction<T> action) throws IOException {
        Path location = location();
        if (Files.isDirectory(location)) {
            return action.apply(check(location.resolve(RESOURCE_DIR), location));
        }
        // A new file system of its own for this jar: not shared, closed after use.
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return action.apply(check(jar.getPath("/" + RESOURCE_DIR), location));
        }
    }

    private static Path check(Path root, Path location) {
        if (!Files.isRegularFile(root.resolve("ebin/" + NAME + ".app"))) {
            throw new IllegalStateException(location + " has no " + RESOURCE_DIR + "/ebin/" + NAME
                    + ".app: it was built without the Erlang application (rebar3 compile)");
        }
        return root;
    }

    /** The jar or classes directory this class was loaded from. */
    private static Path location() {
        CodeSource source = OtpApplication.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot tell where " + OtpApplication.class.getName()
                    + " was loaded from (no code source)");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the jar at " + source.getLocation(), e);
        }
    }
}
