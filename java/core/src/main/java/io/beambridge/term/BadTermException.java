package io.beambridge.term;

/**
 * A term did not fit the Java type it was read as ({@link Term#as}): the message names
 * the path inside the term, the type expected there and what was found, in Elixir
 * syntax — {@code expected an integer (long) at {:reserve, _, n} element 2, got "five"}.
 *
 * <p>A GenServer that receives a request none of its handlers can read answers as an
 * Elixir module whose function heads do not match: it exits with
 * {@code :function_clause}; this exception is what says why, in the log.
 */
public class BadTermException extends IllegalArgumentException {
    private final String path;
    private final String expected;
    private final transient Term found;

    /**
     * @param path     where in the term, as {@code element 2 of {:reserve, ...}} or
     *                 {@code .sku}; empty for the whole term
     * @param expected what was expected there, as words ("an integer (long)")
     * @param found    what was there; null when nothing was (a missing key)
     */
    public BadTermException(String path, String expected, Term found) {
        super("expected " + expected + (path.isEmpty() ? "" : " at " + path) + ", got "
                + (found == null ? "nothing" : Inspect.inspect(found, 200)));
        this.path = path;
        this.expected = expected;
        this.found = found;
    }

    /** Where in the term; empty for the whole term. */
    public String path() {
        return path;
    }

    /** What was expected, as words. */
    public String expected() {
        return expected;
    }

    /** What was found; null when nothing was. */
    public Term found() {
        return found;
    }
}
