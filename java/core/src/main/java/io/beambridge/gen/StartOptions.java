package io.beambridge.gen;

/**
 * Options of {@code GenServer.start/3} and {@code start_link/3}: the name to register
 * the server under ({@code name:}, null for none) and how long the caller waits for
 * {@code init} ({@code timeout:}; negative for infinity, the default). If init takes
 * longer, the server is killed and the start returns {@code {:error, :timeout}}.
 *
 * @param name          the name, or null
 * @param timeoutMillis the start timeout in milliseconds; negative waits forever
 */
public record StartOptions(ServerRef name, long timeoutMillis) {
    /** No name, no timeout. */
    public static final StartOptions DEFAULT = new StartOptions(null, -1);

    public StartOptions {
        if (name instanceof ServerRef.Pid) {
            throw new IllegalArgumentException("a pid is not a name to register a server under");
        }
    }

    /** No name, no timeout. */
    public static StartOptions defaults() {
        return DEFAULT;
    }

    /** Registered under {@code name}. */
    public static StartOptions name(ServerRef name) {
        return new StartOptions(name, -1);
    }

    /** Registered locally as {@code name} (an atom). */
    public static StartOptions name(String localName) {
        return new StartOptions(new ServerRef.Local(localName), -1);
    }

    /** These options with another name. */
    public StartOptions withName(ServerRef newName) {
        return new StartOptions(newName, timeoutMillis);
    }

    /** These options with a start timeout; negative waits forever. */
    public StartOptions withTimeout(long millis) {
        return new StartOptions(name, millis);
    }
}
