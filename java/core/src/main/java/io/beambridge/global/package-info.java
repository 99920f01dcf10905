/**
 * {@code :global} names for Java processes: {@link io.beambridge.global.Global}. A hidden
 * Java node (the default) registers through the global name server of a connected visible
 * BEAM node; every node of the visible cluster then sees the name, and it goes when the
 * process does. A visible node ({@code NodeOptions.builder(name).visible(true)}) runs its
 * own global name server, a full peer of the BEAM nodes' (OTP 25 to 29): lookups read its
 * own table, registrations and {@code trans} take global's locks as a BEAM node does.
 *
 * <pre>{@code
 * Global global = Global.of(node);
 * ServerRef name = global.name(Term.tuple(Atom.elixir("MyApp.Server"), 123));   // {:global, {MyApp.Server, 123}}
 * GenServer.start(node, new MyServer(), StartOptions.name(name));
 * }</pre>
 */
package io.beambridge.global;
