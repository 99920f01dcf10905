/**
 * Erlang terms in Java, and how Java values map to them.
 *
 * <h2>Terms</h2>
 * {@link io.beambridge.term.Term} is a sealed interface with one type per kind of
 * term — {@link io.beambridge.term.Atom}, {@link io.beambridge.term.Pid},
 * {@link io.beambridge.term.Ref} and, nested in {@code Term}, {@code Int}, {@code BigInt},
 * {@code Float}, {@code Binary}, {@code Bits}, {@code Tuple}, {@code List}, {@code Map},
 * {@code Port}, {@code Fun} — so a raw term can be taken apart with a {@code switch}.
 * Terms are immutable, equal as Erlang's {@code =:=} says, ordered as Erlang orders terms,
 * and print as Elixir's {@code inspect} prints them.
 *
 * <h2>Java values as terms</h2>
 * Most code declares Java types for the terms it exchanges and lets
 * {@link io.beambridge.term.Term#of(Object)} and
 * {@link io.beambridge.term.Term#as(Class)} convert, by this convention (reversible:
 * reading what was written gives the value back):
 *
 * <table class="striped">
 * <caption>The convention</caption>
 * <thead><tr><th>Java</th><th>Elixir</th><th>notes</th></tr></thead>
 * <tbody>
 * <tr><td>{@code Term} (any kind)</td><td>itself</td><td>{@code Object} reads as the raw term</td></tr>
 * <tr><td>{@code Atom}</td><td>{@code :ok}</td><td>never a {@code String}</td></tr>
 * <tr><td>{@code String}</td><td>{@code "text"}</td><td>a UTF-8 binary (an Elixir string), never an atom
 *     or a charlist; reading checks the UTF-8</td></tr>
 * <tr><td>{@code byte[]}</td><td>{@code <<1, 2>>}</td><td>a binary</td></tr>
 * <tr><td>{@code boolean}</td><td>{@code true}, {@code false}</td><td></td></tr>
 * <tr><td>{@code long}, {@code int}, {@code short}, {@code byte}, {@code BigInteger}</td><td>{@code 42}</td>
 *     <td>reading checks the range</td></tr>
 * <tr><td>{@code double}, {@code float}</td><td>{@code 1.5}</td><td>reading also takes an integer</td></tr>
 * <tr><td>{@code null}</td><td>{@code nil}</td><td>{@code nil} reads as null into any reference type
 *     but {@code Atom}, {@code Term}, {@code Object} (the atom) and {@code Optional} (empty)</td></tr>
 * <tr><td>{@code Optional<T>}</td><td>{@code nil} or the value</td><td></td></tr>
 * <tr><td>an enum</td><td>{@code :not_found}</td><td>the constant's name in lower case
 *     ({@code NOT_FOUND}), or its {@link io.beambridge.term.Name @Name}</td></tr>
 * <tr><td>a record</td><td>{@code %{id: 1, user_name: "a"}}</td><td>a map with an atom key per
 *     component, its name in snake case (or its {@code @Name}); reading needs every key but those of
 *     {@code Optional} components and ignores other keys</td></tr>
 * <tr><td>a {@link io.beambridge.term.Struct @Struct("MyApp.User")} record</td>
 *     <td>{@code %MyApp.User{id: 1}}</td><td>the map with {@code __struct__: MyApp.User}; reading checks it</td></tr>
 * <tr><td>a {@link io.beambridge.term.Tagged @Tagged} record</td><td>{@code {:push, "x"}}, {@code :pop}</td>
 *     <td>a tuple of the tag and the components; without components, the tag alone</td></tr>
 * <tr><td>a {@link io.beambridge.term.Positional @Positional} record</td><td>{@code {MyApp.Server, 1}}</td>
 *     <td>a tuple of the components</td></tr>
 * <tr><td>a sealed interface</td><td>any of its records or enums</td><td>reading picks the one the term
 *     fits: by tag and size, struct, atom, then shape</td></tr>
 * <tr><td>{@code List<T>}, {@code Collection<T>}, {@code Set<T>}</td><td>{@code [1, 2]}</td><td>a proper list</td></tr>
 * <tr><td>{@code Map<K, V>}</td><td>{@code %{"a" => 1}}</td><td></td></tr>
 * </tbody>
 * </table>
 *
 * <p>A term that does not fit fails with a {@link io.beambridge.term.BadTermException}
 * naming the path inside the term and the type expected there:
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="records"}
 *
 * {@snippet class="io.beambridge.docs.GuideTest" region="convention"}
 */
package io.beambridge.term;
