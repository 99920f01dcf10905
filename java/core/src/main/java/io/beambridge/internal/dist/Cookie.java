package io.beambridge.internal.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The magic cookie. The default is the one in {@code ~/.erlang.cookie}, created as
 * {@code erl} creates it when missing: 20 random capital letters, readable by its
 * owner only.
 */
public final class Cookie {
    private Cookie() {}

    /** The cookie of {@code ~/.erlang.cookie}, created first when missing. */
    public static String defaultCookie() {
        return fromFile(Path.of(System.getProperty("user.home"), ".erlang.cookie"));
    }

    /** The cookie in {@code file}, created as erl creates it when missing. */
    public static String fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            String cookie = Files.readString(file, StandardCharsets.ISO_8859_1).strip();
            if (cookie.isEmpty()) {
                throw new IllegalStateException("the cookie file " + file + " is empty");
            }
            return cookie;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the cookie file " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append((char) ('A' + random.nextInt(26)));
        }
        Path tmp = Files.createTempFile(file.getParent(), ".erlang.cookie", ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            if (!Files.exists(file)) {
                throw e;
            }
        }
    }
}
