package io.beambridge.term;

/**
 * A term did not fit the Java type it was read as ({@link Term#as}, {@link Codec#read}):
 * the message names the path inside the term, the type expected there and what was
 * found there, in Elixir syntax:
 *
 * <pre>
 * expected an integer (long) at Reserve.n (element 2), got "two"
 * expected a string (UTF-8 binary) at RestockAll.skus (element 1)[1], got :b
 * expected an integer (long) at Account.id, got nothing
 * expected {:reserve, sku, n} | {:release, sku} | :stop (Inventory.Command), got {:unknown, 1}
 * </pre>
 *
 * <h2>The path</h2>
 * From the whole term inward, the way Java code reaches the value:
 * <ul>
 * <li>it starts with the simple name of the record the whole term was read as
 *     ({@code Reserve}), and with nothing when the whole term is read as something else
 *     (a {@code List}, a {@code Map});</li>
 * <li>{@code .sku} is a record component, by its Java name, followed by where it is in the
 *     term when the name does not say: {@code (element 2)} in a tuple, counting from 0 as
 *     Elixir's {@code elem/2} does (the tag of a tagged tuple is element 0),
 *     {@code (key :user_name)} in a map whose key is not the component's name;</li>
 * <li>{@code [3]} is an element of a list, counting from 0;</li>
 * <li>{@code ["key"]} is the value under a key of a map read as a {@code Map}, the key as
 *     Elixir writes it ({@code [:id]}, {@code [1]}); {@code ["key"] (the key)} is the key
 *     itself;</li>
 * <li>the empty path is the whole term.</li>
 * </ul>
 *
 * <p>What was expected is said in words, then the Java type ("an integer (long)",
 * "a string (UTF-8 binary)", "an integer in -128..127 (byte)"), or as an Elixir pattern
 * and the Java type ("{:reserve, sku, n} (Inventory.Reserve)",
 * "%MyApp.User{id: id, name: name} (User)", a sealed interface's patterns joined by
 * {@code |}). What was found is written as Elixir's {@code inspect} writes it, cut at 200
 * characters, or "nothing" for a missing map key.
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
     * @param path     where in the term, as {@code Reserve.n (element 2)} or {@code [3].sku};
     *                 empty for the whole term
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
